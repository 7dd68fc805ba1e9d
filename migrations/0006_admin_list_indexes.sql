-- Indexes that keep bizadmin's businesses list fast at 100,000 rows and more.
--
-- The list shows one page sorted by a column with the id breaking ties, and may jump to any
-- page. An index on (sort key, id) for each column serves the ORDER BY ... LIMIT/OFFSET
-- walk without sorting; the walk reads only the index until it reaches the page (the page's
-- rows are fetched by id afterwards), and pages past the middle are walked from the other
-- end. These replace the single-column indexes of migration 0005.
--
-- The search box matches names by case-insensitive substring (ILIKE '%text%'), which no
-- btree can serve: a trigram index (pg_trgm, shipped with PostgreSQL's contrib modules and
-- available on Supabase; a trusted extension, so the database's owner may create it) serves
-- substrings of three characters or more.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

DROP INDEX IF EXISTS public.businesses_lower_name_idx;
DROP INDEX IF EXISTS public.businesses_updated_at_idx;

CREATE INDEX IF NOT EXISTS businesses_list_name_idx ON public.businesses (lower(name), id);
CREATE INDEX IF NOT EXISTS businesses_list_public_phone_idx ON public.businesses (public_phone, id);
CREATE INDEX IF NOT EXISTS businesses_list_twilio_phone_idx ON public.businesses (twilio_phone, id);
CREATE INDEX IF NOT EXISTS businesses_list_business_type_idx ON public.businesses (business_type, id);
CREATE INDEX IF NOT EXISTS businesses_list_ten_dlc_idx ON public.businesses ((custom_settings ->> 'tenDlcStatus'), id);
CREATE INDEX IF NOT EXISTS businesses_list_updated_at_idx ON public.businesses (updated_at, id);
CREATE INDEX IF NOT EXISTS businesses_name_trigram_idx ON public.businesses USING gin (lower(name) gin_trgm_ops);
