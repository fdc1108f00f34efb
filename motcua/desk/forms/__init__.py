"""Forms of the desk, one module per subject:

- `intake`: receiving a dossier (`IntakeForm`, `ProcedureChoiceForm`);
- `applicant`: the applicant's fields, defined once (`ApplicantFields`);
- `actions`: one form per action on a dossier (`ACTION_FORMS`, `ActionForm`);
- `lists`: the worklist's filters and the search (`WorklistFilterForm`, `SearchForm`);
- `errors`: a service's errors put back on the fields (`apply_domain_errors`,
  `merge_domain_errors`) and the error summary's anchors (`anchor_id`);
- `fields`: shared fields, widgets and input formats.

They parse what was typed (dates, numbers, files) into the payloads of the dossiers services;
every rule (required fields, ID numbers, who may receive a step) is checked by the service,
and its errors are put back on the fields with `apply_domain_errors`."""
