-- Indexes that keep bizadmin's businesses list fast at 100,000 rows and more.
--
-- The list shows one page sorted by a column with the id breaking ties, and may jump to any
-- page. An index on (sort key, id) for each column serves the ORDER BY ... LIMIT/OFFSET
-- walk without sorting; the walk reads only the index until it reaches the page (the page's
-- rows are fetched by id afterwards), and pages in the second half are walked from the
-- other end. These replace the single-column indexes of migration 0005.
--
-- The walk stays inside the index (an index-only scan, once VACUUM has marked the table's
-- pages all-visible) only when the index holds every column the sort key is computed from:
-- the name index includes name itself. The 10DLC status lives inside custom_settings, which
-- may be too large to copy into an index; an index on the expression would make the walk
-- visit the table for every row it passes (about 45 ms to the middle of 100,000 rows,
-- against 10). So the status gets a column of its own, ten_dlc_status, that a trigger keeps
-- equal to custom_settings ->> 'tenDlcStatus' whatever a write puts in it. A plain column
-- and not a generated one: PostgreSQL refuses any value for a generated column, so
-- whole-row writes (INSERT ... SELECT * from a copy, an upsert of a row read with
-- select('*')) would fail. Existing rows are filled in by computing the column as a
-- generated one once (a table rewrite that fires no trigger, so updated_at stays and no
-- change is announced), then dropping the expression.
--
-- The search box matches names by case-insensitive substring, which no btree can serve: a
-- trigram index (pg_trgm, shipped with PostgreSQL's contrib modules and available on
-- Supabase; a trusted extension, so the database's owner may create it) on lower(name)
-- serves substrings of three characters or more. Where pg_trgm is already installed in
-- another schema (Supabase keeps extensions in "extensions"), the index names its operator
-- class in that schema.
--
-- The new column rewrites businesses, and the indexes are built, under a lock that blocks
-- reads and writes of the table for a few seconds per 100,000 rows; the migration gives up
-- rather than queue behind a long transaction for more than 5 s. On a large live table, run
-- it when the table is quiet.

SET LOCAL lock_timeout = '5s';

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE public.businesses
    ADD COLUMN IF NOT EXISTS ten_dlc_status text GENERATED ALWAYS AS (custom_settings ->> 'tenDlcStatus') STORED;
ALTER TABLE public.businesses ALTER COLUMN ten_dlc_status DROP EXPRESSION IF EXISTS;
COMMENT ON COLUMN public.businesses.ten_dlc_status IS
    'custom_settings.tenDlcStatus, kept by a trigger for sorting; change custom_settings instead.';

CREATE OR REPLACE FUNCTION public.businesses_copy_ten_dlc_status()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $function$
BEGIN
    NEW.ten_dlc_status := NEW.custom_settings ->> 'tenDlcStatus';
    RETURN NEW;
END;
$function$;

CREATE OR REPLACE TRIGGER businesses_copy_ten_dlc_status
    BEFORE INSERT OR UPDATE OF custom_settings, ten_dlc_status ON public.businesses
    FOR EACH ROW EXECUTE FUNCTION public.businesses_copy_ten_dlc_status();

DROP INDEX IF EXISTS public.businesses_lower_name_idx;
DROP INDEX IF EXISTS public.businesses_updated_at_idx;

CREATE INDEX IF NOT EXISTS businesses_list_name_idx ON public.businesses (lower(name), id) INCLUDE (name);
CREATE INDEX IF NOT EXISTS businesses_list_public_phone_idx ON public.businesses (public_phone, id);
CREATE INDEX IF NOT EXISTS businesses_list_twilio_phone_idx ON public.businesses (twilio_phone, id);
CREATE INDEX IF NOT EXISTS businesses_list_business_type_idx ON public.businesses (business_type, id);
CREATE INDEX IF NOT EXISTS businesses_list_ten_dlc_idx ON public.businesses (ten_dlc_status, id);
CREATE INDEX IF NOT EXISTS businesses_list_updated_at_idx ON public.businesses (updated_at, id);

DO $$
DECLARE
    trgm_schema name;
BEGIN
    SELECT n.nspname INTO STRICT trgm_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    EXECUTE format(
        'CREATE INDEX IF NOT EXISTS businesses_name_trigram_idx ON public.businesses USING gin (lower(name) %I.gin_trgm_ops)',
        trgm_schema);
END
$$;
