-- Every (R, FM) cell of the 5 × 5 grid must fall in exactly one rectangle of seed
-- rfm_segments, or some customers would get no segment or two.
with scores as (
    select 1 as score union all select 2 union all select 3 union all select 4 union all select 5
),

cells as (
    select r.score as r_score, fm.score as fm_score
    from scores as r
    cross join scores as fm
),

matches as (
    select cells.r_score, cells.fm_score, count(segments.segment_name) as segment_count
    from cells
    left join {{ ref('rfm_segments') }} as segments
        on cells.r_score between segments.r_score_min and segments.r_score_max
        and cells.fm_score between segments.fm_score_min and segments.fm_score_max
    group by cells.r_score, cells.fm_score
)

select * from matches
where segment_count <> 1
