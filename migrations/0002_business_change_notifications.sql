-- Tells bizcached which phone numbers changed, so that caches drop them at once instead of
-- serving the old business until the TTL runs out. The payload of NOTIFY business_changed
-- is the affected numbers, old and new, comma-separated (E.164 has no commas).

CREATE OR REPLACE FUNCTION public.businesses_notify_change()
RETURNS trigger
LANGUAGE plpgsql
AS $function$
DECLARE
    numbers text[] := ARRAY[]::text[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        numbers := numbers || OLD.public_phone || OLD.twilio_phone;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        numbers := numbers || NEW.public_phone || NEW.twilio_phone;
    END IF;
    SELECT array_agg(DISTINCT n) INTO numbers FROM unnest(numbers) AS n WHERE n IS NOT NULL;
    IF numbers IS NOT NULL THEN
        PERFORM pg_notify('business_changed', array_to_string(numbers, ','));
    END IF;
    RETURN NULL;
END;
$function$;

DROP TRIGGER IF EXISTS businesses_notify_change ON public.businesses;
CREATE TRIGGER businesses_notify_change
    AFTER INSERT OR UPDATE OR DELETE ON public.businesses
    FOR EACH ROW EXECUTE FUNCTION public.businesses_notify_change();
