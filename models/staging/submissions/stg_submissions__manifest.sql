with

source as (

    select * from {{ source('submissions', 'submission_manifest') }}

),

ranked as (

    select
        submission_id,
        submission_type,
        agency_code,
        jurisdiction_code,
        period,
        cast(received_at as timestamp) as received_at,
        original_filename,
        sha256,
        cast(rows as bigint) as row_count,
        status,
        nullif(supersedes, '') as supersedes,
        stored_path,
        is_demo,
        cast(seq as bigint) as arrival_seq,
        row_number() over (
            partition by submission_type, agency_code, jurisdiction_code, period, status
            order by seq desc
        ) as recency_rank
    from source

),

final as (

    select
        submission_id,
        submission_type,
        agency_code,
        jurisdiction_code,
        period,
        received_at,
        original_filename,
        sha256,
        row_count,
        status,
        supersedes,
        stored_path,
        is_demo,
        arrival_seq,
        status = 'accepted' and recency_rank = 1 as is_latest
    from ranked

)

select * from final
