-- The businesses every vector expects. Loaded into a freshly migrated database.
INSERT INTO businesses (id, name, public_phone, twilio_phone, business_type, custom_settings, created_at, updated_at)
VALUES
  ('00000000-0000-4000-8000-000000000001', 'Acme Plumbing', '+15550100001', '+15550100002', 'plumber',
   '{"tz": "America/Chicago"}', '2026-01-02 03:04:05+00', '2026-01-02 03:04:05+00'),
  ('00000000-0000-4000-8000-000000000002', 'Zoë''s "Quoted" Café', '+442079460958', NULL, NULL,
   '{}', '2026-02-03 04:05:06.5+00', '2026-03-04 05:06:07.25+00'),
  ('00000000-0000-4000-8000-000000000003', 'Same Number Twice', '+15550100003', '+15550100003', 'salon',
   '{"hours": {"mon": "9-5"}, "tags": ["a", "b"]}', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00');

-- Two businesses claiming one number, as data loaded around the database's rule could be:
-- triggers are off for this session, so only the per-column UNIQUE indexes apply.
SET session_replication_role = replica;
INSERT INTO businesses (id, name, public_phone, twilio_phone, created_at, updated_at)
VALUES
  ('00000000-0000-4000-8000-000000000004', 'Twin A', '+15550100009', NULL, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00'),
  ('00000000-0000-4000-8000-000000000005', 'Twin B', NULL, '+15550100009', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00');
SET session_replication_role = DEFAULT;
