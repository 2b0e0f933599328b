-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_stated_calculations') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        trim(cast(source.calculation_id as {{ text_type() }})) as calculation_id,
        trim(cast(source.section as {{ text_type() }})) as section,
        trim(cast(source.description as {{ text_type() }})) as description,
        lower(trim(cast(source.operation as {{ text_type() }}))) as operation_type,
        nullif(trim(cast(source.result_figure_id as {{ text_type() }})), '') as result_figure_id,
        nullif({{ regex_replace_all(
            'trim(cast(source.operand_figure_ids as ' ~ text_type() ~ '))', "'\\s*\\|\\s*'", "'|'"
        ) }}, '') as operand_figure_ids,
        nullif({{ regex_replace_all(
            'trim(cast(source.constant_factor as ' ~ text_type() ~ '))', "'\\s+'", "''"
        ) }}, '') as constant_factor_printed,
        trim(cast(source.constant_note as {{ text_type() }})) as constant_note,
        coalesce({{ text_to_boolean("source.list_is_open") }}, false) as list_is_open,
        trim(cast(source.source_quote as {{ text_type() }})) as source_quote,
        trim(cast(source.transcription_note as {{ text_type() }})) as transcription_note
    from source
),

parsed as (
    select
        *,
        {{ list_length(split_text('operand_figure_ids', "'|'")) }} as operand_count,
        -- a constant is a number or a fraction ("12", "11/12"): kept as numerator and denominator, exact
        {{ text_to_decimal("split_part(constant_factor_printed, '/', 1)", 24, 6) }} as constant_numerator,
        case
            when constant_factor_printed like '%/%'
                then {{ text_to_decimal("split_part(constant_factor_printed, '/', 2)", 24, 6) }}
            when constant_factor_printed is not null then cast(1 as decimal(24, 6))
        end as constant_denominator
    from renamed
),

validated as (
    select
        parsed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(parsed.disclosure_id, '(empty)')"),
            ("parsed.calculation_id is null or parsed.calculation_id = ''", "'calculation_id is empty'"),
            ("count(*) over (partition by parsed.disclosure_id, parsed.calculation_id) > 1", "'calculation_id ' || parsed.calculation_id || ' is listed more than once'"),
            ("coalesce(parsed.operation_type, '') not in ('sum', 'product', 'sum_of_products', 'ratio_pct', 'deviation_pct')", "'operation must be sum, product, sum_of_products, ratio_pct or deviation_pct, not ' || coalesce(parsed.operation_type, '(empty)')"),
            ("parsed.result_figure_id is null", "'result_figure_id is empty'"),
            ("parsed.operand_figure_ids is null", "'operand_figure_ids is empty'"),
            ("parsed.operation_type in ('ratio_pct', 'deviation_pct') and parsed.operand_count != 2", "parsed.operation_type || ' needs exactly 2 operands, not ' || parsed.operand_count"),
            ("parsed.operation_type in ('product', 'sum_of_products') and parsed.operand_count > 8", "parsed.operation_type || ' takes at most 8 operands, not ' || parsed.operand_count"),
            ("parsed.operation_type = 'sum_of_products' and parsed.operand_count % 2 != 0", "'sum_of_products needs operands in pairs, not ' || parsed.operand_count"),
            ("parsed.constant_factor_printed is not null and (parsed.constant_numerator is null or coalesce(parsed.constant_denominator, 0) = 0)", "'constant_factor is not a number or a fraction: ' || parsed.constant_factor_printed"),
            ("parsed.constant_factor_printed is not null and parsed.operation_type not in ('product', 'sum_of_products')", "'constant_factor applies to product and sum_of_products only'"),
        ]) }} as rejection_reason
    from parsed
    left join disclosures on parsed.disclosure_id = disclosures.disclosure_id
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        calculation_id,
        section,
        description,
        operation_type,
        result_figure_id,
        operand_figure_ids,
        operand_count,
        constant_factor_printed,
        constant_numerator,
        constant_denominator,
        constant_note,
        list_is_open,
        source_quote,
        transcription_note,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
