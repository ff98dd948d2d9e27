with

source as (

    select * from {{ source('reference', 'committees') }}

),

renamed as (

    select
        cast(trim(code) as varchar(12)) as org_unit_code,
        trim(name) as committee_name,
        cast({{ row_number_in_file_order() }} as integer) as committee_order,
        note
    from source

)

select * from renamed
