"""The desk (back office), mounted at /desk/. Every view declares its roles (desk/permissions.py)."""

from django.urls import include, path

from motcua.desk.views import (
    dashboard,
    dossier,
    exports,
    index766,
    intake,
    monitor,
    overview,
    pakn,
    papers,
    payments,
    personal,
    qa,
    reports,
    satisfaction,
    search,
    simplification,
    surveys,
    times,
    twofactor,
    worklist,
)

app_name = "desk"

urlpatterns = [
    path("", worklist.worklist, name="worklist"),
    path("tong-quan/", overview.overview, name="overview"),
    path("tra-cuu/", search.search, name="search"),
    path("tiep-nhan/", intake.intake, name="intake"),
    path("han-xu-ly/", monitor.deadlines, name="deadlines"),
    path("thong-bao/", monitor.notices, name="notices"),
    path("thanh-toan/doi-soat/", payments.payments_report, name="payments_report"),
    path("hai-long/", satisfaction.satisfaction, name="satisfaction"),
    path("bao-cao/", reports.report, name="report"),
    path("bao-cao/ho-so/", reports.report_dossiers, name="report_dossiers"),
    path("bao-cao/chi-so-766/", index766.index, name="index766"),
    path("bao-cao/chi-so-766/nhap/", index766.entry, name="index766_entry"),
    path("bao-cao/xuat/", exports.report_export, name="report_export"),
    path("bao-cao/tai-ve/", exports.exports, name="exports"),
    path("bao-cao/tai-ve/<int:job_id>/", exports.export_download, name="export_download"),
    path("bao-cao/thoi-gian/", times.processing_times, name="report_times"),
    path("bao-cao/tong-quan/", dashboard.dashboard, name="report_dashboard"),
    path("don-gian-hoa/", simplification.plan_list_view, name="simplification_plans"),
    path("don-gian-hoa/chi-phi/", simplification.cost_view, name="simplification_cost"),
    path("don-gian-hoa/moi/", simplification.plan_create_view, name="simplification_create"),
    path(
        "don-gian-hoa/<int:plan_id>/", simplification.plan_detail_view, name="simplification_plan"
    ),
    path(
        "don-gian-hoa/<int:plan_id>/sua/", simplification.plan_edit_view, name="simplification_edit"
    ),
    path(
        "don-gian-hoa/<int:plan_id>/thao-tac/<str:action>/",
        simplification.plan_action_view,
        name="simplification_action",
    ),
    path(
        "don-gian-hoa/<int:plan_id>/phuong-an.xlsx",
        simplification.plan_export_view,
        name="simplification_export",
    ),
    path("", include(surveys.urlpatterns)),  # khao-sat/… (views/surveys.py)
    path("", include(qa.urlpatterns)),  # hoi-dap/… (views/qa.py)
    path("thong-bao/da-doc/", monitor.notices_mark_read, name="notices_mark_read"),
    path("xac-thuc-hai-lop/", twofactor.two_factor, name="two_factor"),
    path("xac-thuc-hai-lop/dat-lai/", twofactor.two_factor_reset_view, name="two_factor_reset"),
    path("ho-so/<str:code>/", dossier.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<str:action>/", dossier.dossier_action, name="action"),
    path("ho-so/<str:code>/tep/<int:document_id>/", dossier.dossier_document, name="document"),
    path("ho-so/<str:code>/giay-tiep-nhan/", papers.receipt, name="receipt"),
    path("ho-so/<str:code>/mau/<str:kind>.pdf", papers.form_pdf, name="form_pdf"),
    path("ho-so/<str:code>/phieu-bo-sung/", papers.completion_notice, name="completion_notice"),
    path("ho-so/<str:code>/phieu-tu-choi/", papers.refusal_notice, name="refusal_notice"),
    path(
        "ho-so/<str:code>/du-lieu-ca-nhan/", personal.personal_data_show, name="personal_data_show"
    ),
    path("du-lieu-ca-nhan/nhat-ky/", personal.view_log, name="personal_data_log"),
    # Feedback and recommendations (phản ánh, kiến nghị; views/pakn.py).
    path("phan-anh-kien-nghi/", pakn.register, name="pakn_register"),
    path("phan-anh-kien-nghi/nhap/", pakn.entry, name="pakn_entry"),
    path("phan-anh-kien-nghi/thong-ke/", pakn.statistics, name="pakn_statistics"),
    path(
        "phan-anh-kien-nghi/nhac-viec/<int:notice_id>/da-doc/",
        pakn.notice_read,
        name="pakn_notice_read",
    ),
    path("phan-anh-kien-nghi/<str:code>/", pakn.detail, name="pakn_detail"),
    path("phan-anh-kien-nghi/<str:code>/thao-tac/<str:action>/", pakn.act, name="pakn_action"),
    path(
        "phan-anh-kien-nghi/<str:code>/tep/<int:attachment_id>/",
        pakn.attachment,
        name="pakn_attachment",
    ),
]
