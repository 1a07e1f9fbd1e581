// Runs an embedded Neo4j Community server with the Bolt connector enabled.
//
// Compiled once by scripts/neo4j-local (javac, next to the Neo4j jars) and run as
//
//   java <jvm flags> -cp '<neo4j lib>/*:<classes>' Launcher --home DIR --port N \
//        [--pagecache SIZE] [key=value ...]
//
// Every trailing key=value argument is an extra Neo4j setting (for example
// db.transaction.timeout=60s) and overrides the defaults below. The server
// runs until the JVM is told to stop (SIGTERM / SIGINT); a shutdown hook then
// closes the databases cleanly so the store does not need recovery next time.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.log4j.Log4jLogProvider;

public class Launcher {

    public static void main(String[] args) throws Exception {
        Path home = null;
        int port = 7687;
        String pagecache = "256m";
        Map<String, String> extra = new LinkedHashMap<>();

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--pagecache" -> pagecache = args[++i];
                default -> {
                    int eq = a.indexOf('=');
                    if (eq <= 0) {
                        fail("unexpected argument: " + a);
                    }
                    extra.put(a.substring(0, eq), a.substring(eq + 1));
                }
            }
        }
        if (home == null) {
            fail("--home is required");
        }
        Files.createDirectories(home);

        Map<String, String> config = new LinkedHashMap<>();
        // Bolt only on the loopback interface: this is a local, auth-less server.
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", "127.0.0.1:" + port);
        config.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        config.put("dbms.security.auth_enabled", "false");
        // LOAD CSV never reads the machine's files: file URLs are refused, and the
        // import folder they would resolve against is an empty one of this server's.
        Path importDir = home.resolve("import");
        Files.createDirectories(importDir);
        config.put("dbms.security.allow_csv_import_from_file_urls", "false");
        config.put("server.directories.import", importDir.toString());
        // Keep the footprint small; the data sets used locally are modest.
        config.put("server.memory.pagecache.size", pagecache);
        // Preallocating transaction logs writes hundreds of MB up front.
        config.put("db.tx_log.preallocate", "false");
        config.put("db.tx_log.rotation.retention_policy", "2 files");
        config.put("dbms.usage_report.enabled", "false");
        // Bolt's Netty event loops otherwise idle for a 5 s "quiet period"
        // each on shutdown, which makes a clean stop take over 10 s. Internal
        // (unsupported) setting, fine for a local test server.
        config.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        // Index population gets one worker per four cores by default, so one on a
        // small machine; 0 gives it one per core. Building the 10M-event key
        // constraint after a bulk import took 30 s instead of 36 s on two cores.
        // Internal setting, as above.
        config.put("internal.dbms.index_population.workers", "0");
        config.putAll(extra);

        System.out.println("neo4j-local: starting Neo4j " + neo4jVersion()
                + " home=" + home + " bolt=127.0.0.1:" + port);

        // The embedded builder takes typed settings or a properties file; a
        // file keeps the settings as plain strings and leaves a readable record
        // of what the server runs with (rewritten on every start).
        Path confFile = home.resolve("conf").resolve("neo4j.conf");
        Files.createDirectories(confFile.getParent());
        StringBuilder conf = new StringBuilder("# Written by scripts/neo4j-local on every start.\n");
        config.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
        Files.writeString(confFile, conf.toString());

        // Embedded Neo4j writes its detailed debug.log under <home>/logs but
        // drops the user-facing log (neo4j.log of a packaged server) unless
        // given a provider; send it to stdout, which the script keeps in
        // logs/server.log.
        Log4jLogProvider userLog = new Log4jLogProvider(System.out);

        final DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .loadPropertiesFromFile(confFile)
                    .setUserLogProvider(userLog)
                    .build();
        } catch (Throwable t) {
            // Exit explicitly: threads started before the failure could
            // otherwise keep a half-started JVM alive.
            System.out.println("neo4j-local: failed to start Neo4j");
            t.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j-local: shutting down");
            try {
                dbms.shutdown();
                System.out.println("neo4j-local: stopped cleanly");
                userLog.close();
            } catch (Throwable t) {
                System.out.println("neo4j-local: error during shutdown: " + t);
            } finally {
                System.out.flush();
                stopped.countDown();
            }
        }, "neo4j-local-shutdown"));

        // build() returns once the DBMS is up, but the default database may
        // still be starting (recovery, index population). Wait for it so that
        // "ready" means queries will succeed.
        GraphDatabaseService db = dbms.database("neo4j");
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(5))) {
            System.out.println("neo4j-local: database 'neo4j' did not become available");
            System.exit(1);
        }
        System.out.println("neo4j-local: ready on bolt://127.0.0.1:" + port);
        System.out.flush();

        // Park the main thread; the shutdown hook ends the process.
        stopped.await();
    }

    private static String neo4jVersion() {
        Package p = DatabaseManagementService.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "(unknown version)" : v;
    }

    private static void fail(String message) {
        System.err.println("neo4j-local: " + message);
        System.exit(2);
    }
}
