//! A line chart in a card, drawn on the server as SVG (no chart library, no JavaScript): the
//! portfolio's value and an asset's price use it. The line comes from
//! [`crate::portfolio::chart_line`]; the ranges are plain links, so the chart works without
//! JavaScript too. The summary sentence says in words what the line shows (it is also the
//! image's accessible name).

use leptos::prelude::*;

use crate::api::portfolio::ChartRange;
use crate::portfolio::ChartLine;

/// The chart card: a title, the range links, the line (when there is one) and its summary.
/// `href_base` is the page's address up to its `range` parameter (`/portfolio?sort=value&`,
/// `/trade/AAPL?`); `id` names the title and the test hooks (`{id}`, `{id}-summary`).
#[component]
pub fn ChartCard(
    #[prop(into)] title: String,
    #[prop(into)] id: String,
    #[prop(into)] href_base: String,
    range: ChartRange,
    line: Option<ChartLine>,
    /// The SVG's coordinate box.
    size: (f64, f64),
    /// Tailwind height class of the drawing.
    #[prop(into)]
    height_class: String,
    #[prop(into)] summary: String,
) -> impl IntoView {
    let links = ChartRange::ALL.map(|r| {
        let current = r == range;
        view! {
            <a href=format!("{href_base}range={}", r.slug())
               class="btn btn-ghost px-3 py-1 aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-700 dark:aria-[current=page]:bg-slate-800"
               aria-current=current.then_some("page")>{r.label()}</a>
        }
    });
    let (width, height) = size;
    let (title_id, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    view! {
        <section class="card space-y-3" aria-labelledby=labelled_by>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h2 id=title_id>{title}</h2>
                <nav aria-label="Chart range" class="flex gap-1">{links.collect_view()}</nav>
            </div>
            {line.map(|line| view! {
                <svg viewBox=format!("0 0 {width} {height}") preserveAspectRatio="none"
                     class=format!("{height_class} w-full text-brand-700") role="img" aria-label=summary.clone() data-testid=id.clone()>
                    <path d=line.area fill="currentColor" fill-opacity="0.08" stroke="none"/>
                    <path d=line.path fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke"/>
                </svg>
            })}
            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid=format!("{id}-summary")>{summary.clone()}</p>
        </section>
    }
}
