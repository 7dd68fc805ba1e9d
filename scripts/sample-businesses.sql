-- Sample businesses for the local demo. Safe to load again: rows are keyed by fixed ids.
-- 555-01XX numbers are reserved for fiction in North America.
INSERT INTO businesses (id, name, public_phone, twilio_phone, business_type, custom_settings) VALUES
  ('10000000-0000-4000-8000-000000000001', 'Acme Plumbing',        '+15550100001', '+15550100002', 'plumber',     '{"timezone": "America/Chicago"}'),
  ('10000000-0000-4000-8000-000000000002', 'Bright Smile Dental',  '+15550100011', '+15550100012', 'dentist',     '{"timezone": "America/New_York", "afterHours": "voicemail"}'),
  ('10000000-0000-4000-8000-000000000003', 'Corner Bakery',        '+15550100021', NULL,           'bakery',      '{}'),
  ('10000000-0000-4000-8000-000000000004', 'Delta HVAC',           '+15550100031', '+15550100032', 'hvac',        '{"timezone": "America/Denver"}'),
  ('10000000-0000-4000-8000-000000000005', 'Evergreen Landscaping', NULL,          '+15550100042', 'landscaping', '{}'),
  ('10000000-0000-4000-8000-000000000006', 'Fix-It Auto',          '+15550100051', '+15550100051', 'auto repair', '{"timezone": "America/Los_Angeles"}'),
  ('10000000-0000-4000-8000-000000000007', 'Golden Gate Realty',   '+15550100061', '+15550100062', 'real estate', '{}'),
  ('10000000-0000-4000-8000-000000000008', 'Harbor Veterinary',    '+15550100071', '+15550100072', 'veterinary',  '{"emergencyLine": "+15550100079"}'),
  ('10000000-0000-4000-8000-000000000009', 'Island Yoga',          '+15550100081', NULL,           'fitness',     '{}'),
  ('10000000-0000-4000-8000-000000000010', 'Jade Garden',          '+442079460958', '+15550100092', 'restaurant', '{"timezone": "Europe/London"}')
ON CONFLICT (id) DO NOTHING;
