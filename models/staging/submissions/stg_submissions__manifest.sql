with

source as (

    select * from {{ source('submissions', 'submission_manifest') }}

),

withdrawn as (

    select distinct withdraws as submission_id
    from source
    where status = 'withdrawn'

),

flagged as (

    select
        source.*,
        withdrawn.submission_id is not null as is_withdrawn
    from source
    left join withdrawn on source.submission_id = withdrawn.submission_id

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
        nullif(submitted_by, '') as submitted_by,
        nullif(withdraws, '') as withdraws,
        is_withdrawn,
        is_demo,
        cast(seq as bigint) as arrival_seq,
        row_number() over (
            partition by submission_type, agency_code, jurisdiction_code, period, status, is_withdrawn
            order by seq desc
        ) as recency_rank
    from flagged

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
        submitted_by,
        withdraws,
        is_withdrawn,
        is_demo,
        arrival_seq,
        status = 'accepted' and not is_withdrawn and recency_rank = 1 as is_latest
    from ranked

)

select * from final
