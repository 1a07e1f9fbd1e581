// Constraints and indexes, created before the first write. One statement per
// `;`-terminated block; every statement is idempotent.
CREATE CONSTRAINT abmgraph_account_id IF NOT EXISTS
FOR (n:Account) REQUIRE n.account_id IS UNIQUE;
CREATE CONSTRAINT abmgraph_contact_id IF NOT EXISTS
FOR (n:Contact) REQUIRE n.contact_id IS UNIQUE;
CREATE CONSTRAINT abmgraph_engagement_key IF NOT EXISTS
FOR (n:Engagement) REQUIRE n.event_key IS UNIQUE;
CREATE CONSTRAINT abmgraph_opportunity_id IF NOT EXISTS
FOR (n:Opportunity) REQUIRE n.opportunity_id IS UNIQUE;
CREATE CONSTRAINT abmgraph_intent_key IF NOT EXISTS
FOR (n:IntentObservation) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT abmgraph_opportunity_contact_key IF NOT EXISTS
FOR (n:OpportunityContact) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT abmgraph_feedback_key IF NOT EXISTS
FOR (n:Feedback) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT abmgraph_sales_activity_id IF NOT EXISTS
FOR (n:SalesActivity) REQUIRE n.activity_id IS UNIQUE;
CREATE CONSTRAINT abmgraph_role_name IF NOT EXISTS
FOR (n:Role) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT abmgraph_topic_name IF NOT EXISTS
FOR (n:Topic) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT abmgraph_meta_key IF NOT EXISTS
FOR (n:AbmgraphMeta) REQUIRE n.key IS UNIQUE;
CREATE INDEX abmgraph_account_domain IF NOT EXISTS
FOR (n:Account) ON (n.domain);
CREATE INDEX abmgraph_account_parent IF NOT EXISTS
FOR (n:Account) ON (n.parent_account_id);
CREATE INDEX abmgraph_contact_email IF NOT EXISTS
FOR (n:Contact) ON (n.email);
CREATE INDEX abmgraph_contact_account IF NOT EXISTS
FOR (n:Contact) ON (n.account_id);
CREATE INDEX abmgraph_contact_manager IF NOT EXISTS
FOR (n:Contact) ON (n.manager_id);
CREATE INDEX abmgraph_awaiting_contact IF NOT EXISTS
FOR (n:AwaitingContact) ON (n.contact_id);
CREATE INDEX abmgraph_opportunity_account IF NOT EXISTS
FOR (n:Opportunity) ON (n.account_id);
CREATE INDEX abmgraph_intent_account IF NOT EXISTS
FOR (n:IntentObservation) ON (n.account_id);
CREATE INDEX abmgraph_opportunity_contact_opportunity IF NOT EXISTS
FOR (n:OpportunityContact) ON (n.opportunity_id);
CREATE INDEX abmgraph_opportunity_contact_contact IF NOT EXISTS
FOR (n:OpportunityContact) ON (n.contact_id);
CREATE INDEX abmgraph_change_seq IF NOT EXISTS
FOR (n:ChangeLog) ON (n.seq);
// Every event used to be indexed by time and contact; each index costs a write
// per event, and no query needs them any more.
DROP INDEX abmgraph_engagement_occurred IF EXISTS;
DROP INDEX abmgraph_engagement_contact IF EXISTS;
CALL db.awaitIndexes(300);
