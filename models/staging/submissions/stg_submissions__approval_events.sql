with

source as (

    select * from {{ source('submissions', 'approval_events') }}

),

final as (

    select
        cast(event_seq as bigint) as event_seq,
        cast(action as varchar(16)) as action,
        cast(jurisdiction_code as varchar(12)) as jurisdiction_code,
        cast(period as varchar(8)) as period,
        cast(submission_type as varchar(64)) as submission_type,
        cast(recorded_by as varchar(128)) as recorded_by,
        cast(recorded_at as varchar(32)) as recorded_at
    from source

)

select * from final
