// Which of $keys are stored event keys.
UNWIND $keys AS key
MATCH (e:Engagement {event_key: key})
RETURN collect(key) AS found
