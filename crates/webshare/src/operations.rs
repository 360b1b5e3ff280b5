//! The API's operations as the transport sees them. A test checks this table against
//! `openapi/webshare.yaml`, so it cannot drift from the spec.

use crate::request::Operation;

const fn op(
    id: &'static str,
    method: &'static str,
    path: &'static str,
    idempotent: bool,
    needs_token: bool,
) -> Operation {
    Operation {
        id,
        method,
        path,
        idempotent,
        needs_token,
    }
}

pub(crate) const REGISTER: Operation = op("register", "POST", "/register/", false, false);
pub(crate) const LOGIN: Operation = op("login", "POST", "/login/", false, false);
pub(crate) const RESET_PASSWORD: Operation =
    op("reset_password", "POST", "/resetpassword/", true, false);
pub(crate) const COMPLETE_PASSWORD_RESET: Operation = op(
    "complete_password_reset",
    "POST",
    "/resetpassword/complete/",
    false,
    false,
);
pub(crate) const GET_ACTIVATION: Operation =
    op("get_activation", "GET", "/activation/", true, true);
pub(crate) const RESEND_ACTIVATION: Operation = op(
    "resend_activation",
    "POST",
    "/activation/resend/",
    true,
    true,
);
pub(crate) const COMPLETE_ACTIVATION: Operation = op(
    "complete_activation",
    "POST",
    "/activation/complete/",
    false,
    false,
);

pub(crate) const SOCIAL_REGISTER: Operation =
    op("social_register", "POST", "/register/social/", false, false);
pub(crate) const SOCIAL_LOGIN: Operation =
    op("social_login", "POST", "/login/social/", false, false);
pub(crate) const CHANGE_PASSWORD: Operation =
    op("change_password", "POST", "/changepassword/", false, true);
pub(crate) const CHANGE_EMAIL: Operation = op("change_email", "POST", "/changeemail/", true, true);
pub(crate) const COMPLETE_EMAIL_CHANGE: Operation = op(
    "complete_email_change",
    "POST",
    "/changeemail/complete/",
    false,
    true,
);
pub(crate) const DELETE_ACCOUNT: Operation =
    op("delete_account", "POST", "/deleteaccount/", false, true);
pub(crate) const DELETE_SOCIAL_ACCOUNT: Operation = op(
    "delete_social_account",
    "POST",
    "/deleteaccount/social/",
    false,
    true,
);
pub(crate) const LOGOUT: Operation = op("logout", "POST", "/logout/", false, true);

#[cfg(test)]
pub(crate) const ALL: &[Operation] = &[
    REGISTER,
    LOGIN,
    RESET_PASSWORD,
    COMPLETE_PASSWORD_RESET,
    GET_ACTIVATION,
    RESEND_ACTIVATION,
    COMPLETE_ACTIVATION,
    SOCIAL_REGISTER,
    SOCIAL_LOGIN,
    CHANGE_PASSWORD,
    CHANGE_EMAIL,
    COMPLETE_EMAIL_CHANGE,
    DELETE_ACCOUNT,
    DELETE_SOCIAL_ACCOUNT,
    LOGOUT,
];

#[cfg(test)]
mod tests {
    use super::ALL;

    /// Every operation of the spec is here with its method, path and auth requirement, and nothing else.
    #[test]
    fn the_table_matches_the_spec() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/webshare.yaml");
        let spec: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut from_spec = Vec::new();
        for (path, item) in spec["paths"].as_mapping().unwrap() {
            for (method, op) in item.as_mapping().unwrap() {
                let security = op["security"].as_sequence().unwrap();
                // A token is needed when no alternative of `security` is empty.
                let needs_token = !security.is_empty()
                    && security
                        .iter()
                        .all(|alt| alt.as_mapping().is_some_and(|m| !m.is_empty()));
                from_spec.push((
                    op["operationId"].as_str().unwrap().to_owned(),
                    method.as_str().unwrap().to_uppercase(),
                    path.as_str().unwrap().to_owned(),
                    needs_token,
                ));
            }
        }
        let mut ours: Vec<_> = ALL
            .iter()
            .map(|o| {
                (
                    o.id.to_owned(),
                    o.method.to_owned(),
                    o.path.to_owned(),
                    o.needs_token,
                )
            })
            .collect();
        from_spec.sort();
        ours.sort();
        assert_eq!(ours, from_spec);
    }
}
