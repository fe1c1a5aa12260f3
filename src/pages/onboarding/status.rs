//! The KYC review after the application: where it stands and the one thing to do next. While
//! Bluum is still deciding, the page updates on the investor's live events and asks again now
//! and then (without JavaScript, it reloads itself), so the decision shows without a reload. An island: it lives in the browser.

use leptos::prelude::*;

use crate::api::onboarding::{
    get_kyc_status, DocumentView, KycStage, KycStatus, RestartOnboarding, KYC_DOCUMENT_KINDS,
    UPLOAD_PATH,
};
use crate::error::AppError;

/// Sends the document form from the browser (the file cannot cross a `ServerAction`).
type Upload = Action<(), Result<DocumentView, AppError>>;
use crate::components::form::{form_error, Form, FormAlert};
use crate::components::live::keep_asking;
use crate::components::ui::PageHeader;

#[island]
pub fn KycStatusView(initial: KycStatus) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let upload: Upload = Action::new_unsync(move |_: &()| {
        #[cfg(feature = "hydrate")]
        let data = form
            .get_untracked()
            .and_then(|f| web_sys::FormData::new_with_form(&f).ok());
        #[cfg(not(feature = "hydrate"))]
        let data: Option<()> = None;
        async move {
            match data {
                #[cfg(feature = "hydrate")]
                Some(data) => crate::api::onboarding::upload_document(data.into()).await,
                _ => Err(AppError::Network),
            }
        }
    });
    let restart = ServerAction::<RestartOnboarding>::new();
    // Rendered from the server's answer; in the browser, asked again on every live event of
    // the investor and now and then while Bluum decides (`components::live`). The memo
    // re-renders only when something changed, so a chosen file is not reset.
    let waiting =
        |s: &KycStatus| matches!(s.stage, KycStage::InReview | KycStage::AwaitingDocuments);
    let still_waiting = waiting(&initial);
    let latest = RwSignal::new(initial);
    let status = Memo::new(move |_| latest.get());
    keep_asking(None, still_waiting, move || async move {
        match get_kyc_status().await {
            Ok(s) => {
                let moving = waiting(&s);
                latest.set(s);
                moving
            }
            Err(_) => true,
        }
    });
    Effect::new(move |_| {
        if upload.version().get() > 0 {
            leptos::task::spawn_local(async move {
                if let Ok(s) = get_kyc_status().await {
                    latest.set(s);
                }
            });
        }
    });
    view! {
        <PageHeader title="Your investing account"/>
        {move || view! { <StageCard status=status.get() upload=upload form=form restart=restart/> }}
    }
}

#[component]
fn StageCard(
    status: KycStatus,
    upload: Upload,
    form: NodeRef<leptos::html::Form>,
    restart: ServerAction<RestartOnboarding>,
) -> impl IntoView {
    let detail = status.status.replace('_', " ");
    let body = match status.stage {
        KycStage::InReview => view! {
            // Without JavaScript, the page reloads itself to show the decision.
            <noscript><meta http-equiv="refresh" content="4"/></noscript>
            <div class="flex items-start gap-3">
                <span class="mt-1 h-3 w-3 shrink-0 animate-pulse rounded-full bg-amber-500" aria-hidden="true"></span>
                <div>
                    <h2>"We're reviewing your application"</h2>
                    <p class="text-slate-600 dark:text-slate-400">
                        "Bluum is verifying your identity. This usually takes a few seconds in the sandbox and up to a business day in production. This page updates by itself."
                    </p>
                </div>
            </div>
        }
        .into_any(),
        KycStage::AwaitingDocuments => view! {
            <noscript><meta http-equiv="refresh" content="10"/></noscript>
            <h2>"We need a document to verify your identity"</h2>
            <p class="text-slate-600 dark:text-slate-400">
                "Upload a photo or scan of a government ID (or proof of address). PDF, JPG, PNG, DOC or DOCX, up to 10 MB."
            </p>
            {status.verification_url.clone().map(|url| view! {
                <p><a class="btn btn-secondary" href=url>"Verify with Bluum's secure page instead"</a></p>
            })}
            <DocumentUpload upload=upload form=form/>
            <DocumentList documents=status.documents.clone()/>
        }
        .into_any(),
        KycStage::Approved => view! {
            <div class="flex items-start gap-3">
                <span class="badge badge-success">"Approved"</span>
                <div class="space-y-3">
                    <h2>"You're approved: your investing account is open"</h2>
                    {status.account_number.clone().map(|n| view! {
                        <p class="text-sm text-slate-600 dark:text-slate-400">"Account number " <span class="font-mono">{n}</span></p>
                    })}
                    <p>"Next, link the bank account you'll fund it from."</p>
                    <a href="/banks" class="btn btn-primary">"Link a bank account"</a>
                </div>
            </div>
        }
        .into_any(),
        KycStage::Declined => view! {
            <h2>"We couldn't approve your application"</h2>
            <p class="text-slate-600 dark:text-slate-400">
                "Bluum could not verify the information you gave, so your investing account was not opened. No money has moved. If you think this is a mistake, contact support with the email you signed up with; we can't reopen the application from here."
            </p>
        }
        .into_any(),
        KycStage::Closed => view! {
            <h2>"Your investing account is not active"</h2>
            <p class="text-slate-600 dark:text-slate-400">"It has been suspended or closed. Contact support to find out why and what you can do."</p>
        }
        .into_any(),
        KycStage::Missing => view! {
            <h2>"Your application needs to be sent again"</h2>
            <p class="text-slate-600 dark:text-slate-400">
                "Bluum no longer has your investing account (its sandbox is reset every night). Your answers are saved: review them, agree again and resubmit."
            </p>
            <Form action=restart>
                <FormAlert error=form_error(restart, &[])/>
                <button type="submit" class="btn btn-primary">"Start again"</button>
            </Form>
        }
        .into_any(),
    };
    view! {
        <section class="card space-y-4" aria-live="polite" data-kyc-status=status.status.clone()>
            {body}
            <p class="text-xs text-slate-500 dark:text-slate-400">"Status from Bluum: " {detail}</p>
        </section>
    }
}

/// The document form: a plain multipart form post without JavaScript; with it, the file is
/// checked first (type and size), can be dropped on the form, and is sent without leaving
/// the page.
#[component]
fn DocumentUpload(upload: Upload, form: NodeRef<leptos::html::Form>) -> impl IntoView {
    let local_error = RwSignal::new(None::<String>);
    let uploading = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let server_error = Signal::derive(move || {
        upload
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    });
    let error = Signal::derive(move || local_error.get().or_else(|| server_error.get()));
    let done = move || matches!(upload.value().get(), Some(Ok(_)));

    #[cfg(feature = "hydrate")]
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(problem) = file_input.get().and_then(|i| check_file(&i)) {
            local_error.set(Some(problem));
            return;
        }
        local_error.set(None);
        uploading.set(true);
        upload.dispatch(());
    };
    #[cfg(not(feature = "hydrate"))]
    let on_submit = move |_: leptos::ev::SubmitEvent| {};
    Effect::new(move |_| {
        if upload.value().get().is_some() {
            uploading.set(false);
        }
    });

    #[cfg(feature = "hydrate")]
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let (Some(files), Some(input)) =
            (ev.data_transfer().and_then(|d| d.files()), file_input.get())
        {
            input.set_files(Some(&files));
            local_error.set(check_file(&input));
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let on_drop = move |_: leptos::ev::DragEvent| {};

    view! {
        <form
            node_ref=form
            method="post"
            action=UPLOAD_PATH
            enctype="multipart/form-data"
            class="space-y-4"
            on:submit=on_submit
        >
            <div class="field">
                <label class="label" for="document_type">"Kind of document"</label>
                <select class="input" id="document_type" name="document_type" required=true>
                    {KYC_DOCUMENT_KINDS.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
            </div>
            <div
                class="rounded-xl border-2 border-dashed border-slate-300 p-6 text-center dark:border-slate-600"
                class:border-brand-500=move || dragging.get()
                on:dragover=move |ev| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label class="label" for="document">"File"</label>
                <p class="hint" id="document-hint">"Drop a file here, or choose one."</p>
                <input
                    node_ref=file_input
                    class="mx-auto mt-2 block text-sm"
                    type="file"
                    id="document"
                    name="document"
                    required=true
                    accept=".pdf,.jpg,.jpeg,.png,.doc,.docx,application/pdf,image/jpeg,image/png"
                    aria-describedby="document-hint document-error"
                    aria-invalid=move || error.get().is_some().then_some("true")
                    on:change=move |_| {
                        #[cfg(feature = "hydrate")]
                        local_error.set(file_input.get().and_then(|i| check_file(&i)));
                    }
                />
            </div>
            <p id="document-error" class="field-error" role="alert">{move || error.get()}</p>
            <Show when=move || uploading.get()>
                <div role="status" class="space-y-1">
                    <p class="text-sm">"Uploading…"</p>
                    <div class="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700">
                        <div class="h-2 w-1/2 animate-pulse rounded-full bg-brand-600"></div>
                    </div>
                </div>
            </Show>
            <Show when=done>
                <div role="status" class="alert alert-success">"Uploaded. Bluum is checking it; this page updates by itself."</div>
            </Show>
            <button type="submit" class="btn btn-primary" disabled=move || uploading.get()>"Upload document"</button>
        </form>
    }
}

/// The chosen file's problem, if any: type and size, before anything is sent.
#[cfg(feature = "hydrate")]
fn check_file(input: &web_sys::HtmlInputElement) -> Option<String> {
    use crate::api::onboarding::{document_mime, MAX_DOCUMENT_BYTES};
    let file = input.files().and_then(|f| f.get(0))?;
    if document_mime(&file.name()).is_none() {
        return Some("Upload a PDF, JPG, PNG, DOC or DOCX file.".into());
    }
    if file.size() > MAX_DOCUMENT_BYTES as f64 {
        return Some("That file is larger than 10 MB. Choose a smaller one.".into());
    }
    if file.size() == 0.0 {
        return Some("That file is empty. Choose another one.".into());
    }
    None
}

#[component]
fn DocumentList(documents: Vec<DocumentView>) -> impl IntoView {
    (!documents.is_empty()).then(|| {
        view! {
            <div>
                <h3 class="mb-2">"Your documents"</h3>
                <ul class="divide-y divide-slate-200 dark:divide-slate-700">
                    {documents.into_iter().map(|d| view! {
                        <li class="flex flex-wrap justify-between gap-2 py-2 text-sm">
                            <span>{d.file_name}</span>
                            <span class="badge">{d.status.replace('_', " ")}</span>
                            {d.rejection_reason.map(|r| view! { <span class="w-full text-red-700 dark:text-red-400">{r}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}
