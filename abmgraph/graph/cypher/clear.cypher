// Delete every node the store wrote, in batches (constraints and indexes stay).
MATCH (n)
WHERE n:Account OR n:Contact OR n:Role OR n:Engagement OR n:Topic
   OR n:Opportunity OR n:IntentObservation OR n:OpportunityContact OR n:AbmgraphMeta
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
