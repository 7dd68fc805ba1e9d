-- Outbound texts wait here until a `bizqueue work` process sends them through Twilio.
--
-- Life of a job: pending -> sending (claimed by one worker, committed before the HTTP call)
-- -> sent | pending again (a transient failure, run_at pushed back) | failed; or cancelled
-- while pending. A job whose worker died stays 'sending' until its lock is older than the
-- visibility timeout; it is then looked up at Twilio before it is sent again (maybe_sent).

CREATE TABLE IF NOT EXISTS public.sms_queue (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_number             text NOT NULL CHECK (to_number ~ '^\+[1-9][0-9]{6,14}$'),
    from_number           text CHECK (from_number ~ '^\+[1-9][0-9]{6,14}$'),
    messaging_service_sid text CHECK (messaging_service_sid ~ '^MG[0-9a-fA-F]{32}$'),
    body                  text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 1600),
    status                text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts              integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts          integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
    run_at                timestamptz NOT NULL DEFAULT now(),
    locked_by             text,
    locked_at             timestamptz,
    last_error            text,
    last_error_code       integer,
    twilio_sid            text,
    idempotency_key       text CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
    business_id           uuid REFERENCES public.businesses (id) ON DELETE SET NULL,
    -- An attempt's outcome is unknown (timeout after the request went out, or a worker
    -- died mid-send): ask Twilio before sending again.
    maybe_sent            boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sms_queue_one_sender CHECK ((from_number IS NULL) <> (messaging_service_sid IS NULL)),
    CONSTRAINT sms_queue_sending_is_locked
        CHECK (status <> 'sending' OR (locked_by IS NOT NULL AND locked_at IS NOT NULL))
);

-- Unique while set: a retried submission with the same key finds the first job.
CREATE UNIQUE INDEX IF NOT EXISTS sms_queue_idempotency_key
    ON public.sms_queue (idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Partial indexes stay small however many finished rows the table holds.
CREATE INDEX IF NOT EXISTS sms_queue_due ON public.sms_queue (run_at, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS sms_queue_in_flight ON public.sms_queue (locked_at) WHERE status = 'sending';
CREATE INDEX IF NOT EXISTS sms_queue_finished
    ON public.sms_queue (updated_at) WHERE status IN ('sent', 'failed', 'cancelled');

-- One updated_at trigger function for every table from now on.
CREATE OR REPLACE FUNCTION public.set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $function$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$function$;

CREATE OR REPLACE TRIGGER sms_queue_set_updated_at
    BEFORE UPDATE ON public.sms_queue
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Wakes idle workers. Once per statement: a bulk insert wakes them once.
CREATE OR REPLACE FUNCTION public.sms_queue_notify_insert()
RETURNS trigger
LANGUAGE plpgsql
AS $function$
BEGIN
    PERFORM pg_notify('sms_queue', '');
    RETURN NULL;
END;
$function$;

CREATE OR REPLACE TRIGGER sms_queue_notify_insert
    AFTER INSERT ON public.sms_queue
    FOR EACH STATEMENT EXECUTE FUNCTION public.sms_queue_notify_insert();

-- When each rate-limited key (a sender, a recipient, or everything) may send next, shared
-- by all workers: a claim locks the job's keys and either takes the slot or moves the job
-- to the time the slot opens, so a burst is spread out rather than rejected.
CREATE TABLE IF NOT EXISTS public.sms_pace (
    key     text PRIMARY KEY,
    next_at timestamptz NOT NULL
);
