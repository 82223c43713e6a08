-- Every open after-sales case now has a deadline for the step it waits on (answer_by),
-- and a case handed to a dispute stays open (in_dispute) with its hold until the dispute
-- closes. Cases already open get the deadline they would have had from their last
-- change (the buyer's answer to an offer: 3 days; sending goods back, confirming them,
-- reshipping: 7 days); cases closed as escalated into a dispute that is still open are
-- re-opened as in_dispute and take their hold back.
UPDATE aftersale_cases SET answer_by = updated_at + 259200000 WHERE state = 'offered';
UPDATE aftersale_cases SET answer_by = updated_at + 604800000 WHERE state IN ('agreed', 'returning', 'returned');
UPDATE orders SET holds = holds + (
    SELECT COUNT(*) FROM aftersale_cases c JOIN disputes d ON d.id = c.dispute_id
    WHERE c.order_id = orders.id AND c.state = 'escalated' AND d.state IN ('open', 'mediating', 'proposed'))
WHERE id IN (
    SELECT c.order_id FROM aftersale_cases c JOIN disputes d ON d.id = c.dispute_id
    WHERE c.state = 'escalated' AND d.state IN ('open', 'mediating', 'proposed'));
UPDATE aftersale_cases SET state = 'in_dispute', closed_at = 0, answer_by = 0
WHERE state = 'escalated' AND dispute_id IN (SELECT id FROM disputes WHERE state IN ('open', 'mediating', 'proposed'));
