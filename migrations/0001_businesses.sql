-- Businesses and their phone numbers.
--
-- Written for PostgreSQL 14+ (built-in gen_random_uuid, CREATE OR REPLACE TRIGGER) and for the
-- public schema of a Supabase project. The migrator runs this file once, in one transaction,
-- and records it in schema_migrations; the statements are nonetheless safe to run again.
--
-- Row level security on businesses is left to the project. The bookkeeping table
-- business_phone_numbers has RLS enabled and no policies, so API roles (Supabase's anon and
-- authenticated) cannot read or change it; its triggers run as their owner instead.

CREATE TABLE IF NOT EXISTS public.businesses (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text        NOT NULL,
    public_phone    text,
    twilio_phone    text,
    business_type   text,
    custom_settings jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- E.164: '+', a country code not starting with 0, 7 to 15 digits in all.
    CONSTRAINT businesses_public_phone_e164 CHECK (public_phone ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT businesses_twilio_phone_e164 CHECK (twilio_phone ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT businesses_custom_settings_object CHECK (jsonb_typeof(custom_settings) = 'object'),
    -- Each UNIQUE constraint also creates the index that phone look-ups use.
    CONSTRAINT businesses_public_phone_key UNIQUE (public_phone),
    CONSTRAINT businesses_twilio_phone_key UNIQUE (twilio_phone)
);

COMMENT ON TABLE public.businesses IS
    'Businesses that bizcached finds by phone number (public_phone or twilio_phone, E.164).';

-- updated_at follows every change to a row.
CREATE OR REPLACE FUNCTION public.businesses_set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $function$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$function$;

CREATE OR REPLACE TRIGGER businesses_set_updated_at
    BEFORE UPDATE ON public.businesses
    FOR EACH ROW EXECUTE FUNCTION public.businesses_set_updated_at();

-- Every number in use, whichever column holds it. Its primary key is what makes "one number,
-- one business" hold across both columns, also between concurrent transactions.
CREATE TABLE IF NOT EXISTS public.business_phone_numbers (
    phone       text PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES public.businesses (id) ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX IF NOT EXISTS business_phone_numbers_business_id_idx
    ON public.business_phone_numbers (business_id);

ALTER TABLE public.business_phone_numbers ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.business_phone_numbers IS
    'Maintained by triggers on businesses: one row per number, so no number belongs to two businesses.';

-- A friendly early check: names the business that already holds one of NEW's numbers before
-- the UNIQUE indexes would reject it with a bare "duplicate key". The AFTER trigger below is
-- what makes the rule hold between concurrent transactions.
CREATE OR REPLACE FUNCTION public.businesses_check_phone_numbers()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $function$
DECLARE
    ours  uuid[] := ARRAY[NEW.id];
    taken record;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        ours := ours || OLD.id;
    END IF;
    SELECT phone, business_id INTO taken
      FROM public.business_phone_numbers
     WHERE phone IN (NEW.public_phone, NEW.twilio_phone)
       AND business_id <> ALL (ours)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'phone number % already belongs to business %', taken.phone, taken.business_id
            USING ERRCODE = 'unique_violation',
                  CONSTRAINT = 'business_phone_numbers_pkey',
                  HINT = 'A number may appear in both columns of one business, never in two businesses.';
    END IF;
    RETURN NEW;
END;
$function$;

CREATE OR REPLACE TRIGGER businesses_check_phone_numbers
    BEFORE INSERT OR UPDATE OF id, public_phone, twilio_phone ON public.businesses
    FOR EACH ROW EXECUTE FUNCTION public.businesses_check_phone_numbers();

-- Claims NEW's numbers in business_phone_numbers and releases numbers it no longer uses.
-- A number held by another business raises unique_violation with a message naming both.
CREATE OR REPLACE FUNCTION public.businesses_claim_phone_numbers()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $function$
DECLARE
    number text;
    holder  uuid;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM public.business_phone_numbers
         WHERE business_id IN (OLD.id, NEW.id)
           AND phone IS DISTINCT FROM NEW.public_phone
           AND phone IS DISTINCT FROM NEW.twilio_phone;
    END IF;

    FOREACH number IN ARRAY ARRAY[NEW.public_phone, NEW.twilio_phone] LOOP
        CONTINUE WHEN number IS NULL;
        LOOP
            -- ON CONFLICT waits for a concurrent claim of the same number to commit or abort.
            INSERT INTO public.business_phone_numbers (phone, business_id)
                 VALUES (number, NEW.id)
            ON CONFLICT (phone) DO NOTHING;
            EXIT WHEN FOUND;
            SELECT business_id INTO holder
              FROM public.business_phone_numbers
             WHERE phone = number;
            -- Not found: the holder was deleted meanwhile, so try to claim the number again.
            CONTINUE WHEN NOT FOUND;
            IF holder IS DISTINCT FROM NEW.id THEN
                RAISE EXCEPTION 'phone number % already belongs to business %', number, holder
                    USING ERRCODE = 'unique_violation',
                          CONSTRAINT = 'business_phone_numbers_pkey',
                          HINT = 'A number may appear in both columns of one business, never in two businesses.';
            END IF;
            EXIT;
        END LOOP;
    END LOOP;
    RETURN NULL;
END;
$function$;

CREATE OR REPLACE TRIGGER businesses_claim_phone_numbers
    AFTER INSERT OR UPDATE OF id, public_phone, twilio_phone ON public.businesses
    FOR EACH ROW EXECUTE FUNCTION public.businesses_claim_phone_numbers();

-- Rows that existed before this migration (an existing Supabase table): claim their numbers,
-- and refuse to go on if two businesses already share one.
INSERT INTO public.business_phone_numbers (phone, business_id)
SELECT DISTINCT ON (phone) phone, id
  FROM (SELECT public_phone AS phone, id FROM public.businesses WHERE public_phone IS NOT NULL
        UNION
        SELECT twilio_phone, id FROM public.businesses WHERE twilio_phone IS NOT NULL) AS numbers
 ORDER BY phone, id
ON CONFLICT (phone) DO NOTHING;

DO $check$
DECLARE
    clash record;
BEGIN
    SELECT numbers.phone, numbers.id, claimed.business_id AS holder INTO clash
      FROM (SELECT public_phone AS phone, id FROM public.businesses WHERE public_phone IS NOT NULL
            UNION ALL
            SELECT twilio_phone, id FROM public.businesses WHERE twilio_phone IS NOT NULL) AS numbers
      JOIN public.business_phone_numbers AS claimed USING (phone)
     WHERE claimed.business_id <> numbers.id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'phone number % already belongs to business %', clash.phone, clash.holder
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Business %s also uses it; fix the data, then migrate again.', clash.id);
    END IF;
END;
$check$;
