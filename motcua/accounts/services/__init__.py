"""Writes of the accounts app, one module per subject:

- `agencies`: the agency tree (`agency_upsert`);
- `roles`: roles held in agencies (`role_grant`);
- `tokens`: bearer tokens of the REST API (`api_token_issue`, `api_token_authenticate`);
- `signup`: citizen sign-up (`citizen_sign_up`);
- `verification`: codes sent by email or SMS, and verified contacts (`verification_code_send`,
  `verification_code_deliver`, `citizen_verify_contact`);
- `profiles`: the citizen's profile (`citizen_profile_update`, `citizen_profile_import`);
- `signin`: the sign-in throttle every door shares (`password_sign_in`, `SignInThrottled`)
  and the portal's sign-in by username, email or phone (`citizen_authenticate`);
- `passwords`: password reset by SMS code (`password_reset_code_send`,
  `password_reset_with_code`);
- `eid`: accounts of the national e-ID (`citizen_sign_in_oidc`, `citizen_link_oidc`);
- `users`: accounts set up by a loader, the demo data (`account_ensure`).

Other apps use them through `accounts/api.py`."""
