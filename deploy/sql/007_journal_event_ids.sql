-- MarketingActors schema 007: an event id is journaled once per customer, whatever its age.

-- Customer grains remember only their recent event ids; an event re-sent after that window is
-- caught here. Rows an engine without this index journaled twice keep their first copy (the
-- lowest sequence): the later copies were the same event applied again, and a replay must not
-- apply it twice more.
DELETE FROM ma_event_journal j
 USING ma_event_journal first
 WHERE first.customer_id = j.customer_id AND first.event_id = j.event_id AND first.sequence < j.sequence;

CREATE UNIQUE INDEX ma_event_journal_event_id ON ma_event_journal (customer_id, event_id);
