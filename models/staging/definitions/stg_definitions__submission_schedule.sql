with

source as (

    select * from {{ source('definitions', 'submission_schedule') }}

),

final as (

    select
        cast(submission_type as varchar(64)) as submission_type,
        cast(agency_code as varchar(64)) as agency_code,
        cast(level_of_jurisdiction as varchar(16)) as level_of_jurisdiction,
        cast(period_kind as varchar(16)) as period_kind,
        cast(deadline_days as integer) as deadline_days,
        name_zh,
        name_en,
        source_note
    from source

)

select * from final
