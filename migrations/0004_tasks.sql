-- Work for the operations team, opened and closed by jobs such as `biz10dlc sync`.
-- At most one open (pending or in_progress) task of a type per business, enforced here so
-- that no job run, however often repeated or however concurrent, can open a duplicate.

CREATE TABLE IF NOT EXISTS public.tasks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type        text NOT NULL CHECK (type ~ '^[A-Za-z0-9_]{1,64}$'),
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'in_progress', 'done', 'cancelled')),
    business_id uuid REFERENCES public.businesses (id) ON DELETE CASCADE,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    closed_at   timestamptz,
    CONSTRAINT tasks_closed_when_finished CHECK ((status IN ('done', 'cancelled')) = (closed_at IS NOT NULL))
);

CREATE UNIQUE INDEX IF NOT EXISTS tasks_one_open_per_business_and_type
    ON public.tasks (business_id, type) WHERE status IN ('pending', 'in_progress');
CREATE INDEX IF NOT EXISTS tasks_open ON public.tasks (type, created_at) WHERE status IN ('pending', 'in_progress');

-- set_updated_at() comes from 0003.
CREATE OR REPLACE TRIGGER tasks_set_updated_at
    BEFORE UPDATE ON public.tasks
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
