-- Roles for bizadmin, which connects to PostgreSQL as the person logged in, so that grants
-- and row level security, not the web application, decide what each person may see and do.
--
--   biz_admin   reads, creates, changes and deletes businesses
--   biz_viewer  only reads them
--
-- Both are group roles without LOGIN. A person gets a LOGIN role that is a member of one:
--
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE biz_admin;
--   CREATE ROLE bob   LOGIN PASSWORD '...' IN ROLE biz_viewer;
--   REVOKE biz_admin FROM alice;  GRANT biz_viewer TO alice;   -- alice may now only read
--
-- Roles belong to the whole cluster while grants and policies belong to each database, so
-- every database that runs this migration creates the roles only if they are missing; a
-- migrating role without CREATEROLE works too once an administrator has created them.
--
-- Row level security is enabled, not forced: the table's owner (the role bizcached,
-- bizqueue and the migrations use) is not subject to it, nor are superusers and roles with
-- BYPASSRLS (Supabase's service_role). Any other role, Supabase's anon and authenticated
-- included, sees no rows until a policy names it.
--
-- The triggers on businesses keep working for biz_admin members: the phone number triggers
-- are SECURITY DEFINER (business_phone_numbers stays closed to everyone else), and the
-- updated_at and NOTIFY business_changed triggers need no privilege beyond the row itself.

DO $roles$
DECLARE
    role record;
BEGIN
    FOR role IN
        SELECT * FROM (VALUES
            ('biz_admin', 'bizadmin: may read, create, change and delete businesses. Grant it to LOGIN roles.'),
            ('biz_viewer', 'bizadmin: may read businesses. Grant it to LOGIN roles.')) AS wanted (name, purpose)
    LOOP
        CONTINUE WHEN EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role.name);
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', role.name);
            EXECUTE format('COMMENT ON ROLE %I IS %L', role.name, role.purpose);
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                -- Another database of the cluster created it meanwhile.
                NULL;
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role % does not exist, and % may not create roles', role.name, current_user
                    USING ERRCODE = 'insufficient_privilege',
                          HINT = 'Have an administrator run: CREATE ROLE biz_admin NOLOGIN; '
                              || 'CREATE ROLE biz_viewer NOLOGIN; then migrate again.';
        END;
    END LOOP;
END;
$roles$;

GRANT USAGE ON SCHEMA public TO biz_admin, biz_viewer;
GRANT SELECT ON public.businesses TO biz_viewer;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.businesses TO biz_admin;

ALTER TABLE public.businesses ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS businesses_viewer_read ON public.businesses;
CREATE POLICY businesses_viewer_read ON public.businesses
    FOR SELECT TO biz_viewer
    USING (true);

DROP POLICY IF EXISTS businesses_admin_all ON public.businesses;
CREATE POLICY businesses_admin_all ON public.businesses
    FOR ALL TO biz_admin
    USING (true)
    WITH CHECK (true);

-- bizadmin's list sorts by any column, a page at a time; the phone columns already have
-- their UNIQUE indexes. The list sorts names case-insensitively.
CREATE INDEX IF NOT EXISTS businesses_lower_name_idx ON public.businesses (lower(name));
CREATE INDEX IF NOT EXISTS businesses_updated_at_idx ON public.businesses (updated_at);
