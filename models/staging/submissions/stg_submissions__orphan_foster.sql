with

source as (

    {{ latest_submission_rows('orphan_foster') }}

),

renamed as (

    select
        submission_id,
        agency_code,
        jurisdiction_code,
        cast(org_unit_code as varchar(6)) as org_unit_code,
        cast(year as integer) as year,
        cast(orphan_centralized_standard as decimal(18, 2)) as orphan_centralized_standard,
        cast(orphan_scattered_standard as decimal(18, 2)) as orphan_scattered_standard,
        cast(foster_families as bigint) as foster_families,
        cast(foster_families_compliant as bigint) as foster_families_compliant,
        is_demo
    from source

)

select * from renamed
