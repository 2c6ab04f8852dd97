"""Intake pages: the report list, one report, and imports with their progress.

Views only translate between HTTP and the selectors/services. A page the user may not use,
or a record they may not see, answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.core.errors import NotPermitted, TiplineError
from tipline.intake import selectors, services
from tipline.intake.forms import ImportUploadForm, ReportFilterForm
from tipline.intake.sections import sections_render


@gate("report.view")
@require_GET
def report_list(request: AuthedRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, states=selectors.report_filter_states(user=request.user))
    filters = form.filters()
    page = selectors.report_list_page(
        user=request.user, filters=filters, cursor=request.GET.get("cursor")
    )
    total, more = selectors.report_list_count(user=request.user, filters=filters)
    export = request.GET.copy()
    export.pop("cursor", None)
    return render(
        request,
        "intake/report_list.html",
        {
            "section": "reports",
            "form": form,
            "filters": filters,
            "page": page,
            "page_size": selectors.PAGE_SIZE,
            "total": total,
            "more": more,
            "export_query": export.urlencode(),
        },
    )


@gate("report.view")
@require_GET
def report_list_export(request: AuthedRequest) -> HttpResponse:
    """The report list with the filters of the query string, as an Excel workbook."""
    form = ReportFilterForm(request.GET, states=selectors.report_filter_states(user=request.user))
    try:
        data, _ = services.report_list_export(actor=request.user, filters=form.filters())
    except TiplineError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('intake:report_list')}?{request.GET.urlencode()}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument."
                                               "spreadsheetml.sheet")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="reports-{day}.xlsx"'
    return response


@gate("report.view")
@require_GET
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    detail = selectors.report_detail(user=request.user, pk=pk)
    services.report_viewed(actor=request.user, report=detail.report)
    return render(
        request,
        "intake/report_detail.html",
        {"section": "reports", "d": detail, "report": detail.report,
         "sections": sections_render(request=request, report=detail.report)},
    )


@gate("report.import", everywhere=True)
@require_http_methods(["GET", "POST"])
def batch_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.batch_upload(
                    actor=request.user, files=form.cleaned_data["uploads"]
                )
            except NotPermitted as exc:
                raise Http404("No such page") from exc
            except TiplineError as exc:
                form.add_error(None, str(exc))
            else:
                count = len(form.cleaned_data["uploads"])
                messages.success(request, gettext("Import #%(id)s queued: %(count)s file(s).")
                                 % {"id": batch.pk, "count": count})
                return redirect("intake:batch_detail", pk=batch.pk)
    else:
        form = ImportUploadForm()
    batches = selectors.import_batches_recent(user=request.user)
    return render(
        request,
        "intake/batch_list.html",
        {"section": "imports", "form": form, "batches": batches},
    )


@gate("report.import", everywhere=True)
@require_GET
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_get(user=request.user, pk=pk)
    limit = 500
    rejections = selectors.import_batch_rejections(batch=batch, limit=limit)
    progress = selectors.import_batch_progress(batch=batch)
    # the total as the page shows it: "?" while a running import has not counted its records
    total = batch.total if batch.total is not None else ("?" if progress["running"] else batch.done)
    return render(
        request,
        "intake/batch_detail.html",
        {
            "section": "imports",
            "batch": batch,
            "interrupted": selectors.import_batch_interrupted(batch=batch),
            "progress": progress,
            "shown_total": total,
            "rejections": rejections,
            "rejections_limit": limit,
        },
    )


@gate("report.import", everywhere=True)
@require_POST
def batch_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_get(user=request.user, pk=pk)
    try:
        services.batch_retry(actor=request.user, batch=batch)
    except NotPermitted as exc:
        raise Http404("No such page") from exc
    except TiplineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Import #%(id)s queued again.") % {"id": batch.pk})
    return redirect("intake:batch_detail", pk=batch.pk)


@gate("report.import", everywhere=True)
@require_GET
def batch_progress(request: AuthedRequest, pk: int) -> JsonResponse:
    batch = selectors.import_batch_get(user=request.user, pk=pk)
    response = JsonResponse(selectors.import_batch_progress(batch=batch))
    response["Cache-Control"] = "no-store"
    return response
