{#- The approval status of each submission the build uses (the latest accepted one per key),
    as weibao.approval decides it at intake: the last event that covers the submission's key
    is in force. An event covers a key when its jurisdiction is the key's or above it (codes
    nest by prefix), its type is the key's or null (every type), and its period is the key's or
    the year of it (a year also covers its quarters). approve and accept lock: approved; an
    unlock reopens: unlocked; no event: pending. -#}
with

manifest as (select * from {{ ref('stg_submissions__manifest') }}),
events as (select * from {{ ref('stg_submissions__approval_events') }}),

used as (

    select submission_id, submission_type, jurisdiction_code, period
    from manifest
    where is_latest

),

covering as (

    select
        used.submission_id,
        events.action,
        events.recorded_by,
        events.recorded_at,
        row_number() over (
            partition by used.submission_id order by events.event_seq desc
        ) as recency_rank
    from used
    inner join events
        on left(used.jurisdiction_code, length(events.jurisdiction_code))
            = events.jurisdiction_code
        and (events.submission_type is null or events.submission_type = used.submission_type)
        and (events.period = used.period
            or (length(events.period) = 4 and left(used.period, 4) = events.period))

),

final as (

    select
        used.submission_id,
        used.submission_type,
        used.jurisdiction_code,
        used.period,
        case
            when covering.action is null then 'pending'
            when covering.action = 'unlock' then 'unlocked'
            else 'approved'
        end as approval_status,
        covering.action = 'accept' as is_accepted,
        covering.recorded_by as last_event_by,
        covering.recorded_at as last_event_at
    from used
    left join covering
        on used.submission_id = covering.submission_id and covering.recency_rank = 1

)

select * from final
