// The binding of a handler to the operation whose parameters it takes (documented on `mod binding` in
// routes/mod.rs). This file names nothing of the crate, so that its doctests compile it on its own.

use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter, on};

/// The position of an argument in a handler's argument list, from 0; inferred, never written.
pub(crate) enum At<const N: usize> {}

/// Implemented by the argument types of a handler when its argument at position `I` is an `A`.
///
/// The argument types are axum's `T` of [`Handler<T, S>`]: `(M, T1, ..., Tn)` for a function of `n`
/// arguments, `M` being axum's marker of how the last one is extracted. A handler taking one `A` has one
/// such `I`, which the compiler infers; a handler taking none has none, which is a compile error.
#[diagnostic::on_unimplemented(
    message = "this handler does not take `{A}`, the parameters of the operation it is bound to",
    label = "bound to an operation whose parameters it does not take",
    note = "a handler is bound to operation `X` only if one of its arguments is `Params<operations::X>`"
)]
pub(crate) trait TakesArg<A, I> {}

/// `TakesArg` for every position of an argument list: `takes_arg!(T1 T2)` implements it for `(M, A, T2)`
/// at `At<0>` and for `(M, T1, A)` at `At<1>`.
macro_rules! takes_arg {
    ($($arg:ident)+) => {
        takes_arg!(@at [0] [] [$($arg)+]);
    };
    // `$before` are the arguments before position `$at`, whose argument is `A`; `$after` those after it.
    (@at [$($at:tt)+] [$($before:ident)*] [$here:ident $($after:ident)*]) => {
        impl<A, M, $($before,)* $($after,)*> TakesArg<A, At<{ $($at)+ }>>
            for (M, $($before,)* A, $($after,)*)
        {
        }
        takes_arg!(@at [$($at)+ + 1] [$($before)* $here] [$($after)*]);
    };
    (@at [$($at:tt)+] [$($before:ident)*] []) => {};
}

// Handlers of up to 8 arguments (axum takes up to 16: add lines when a handler needs more).
takes_arg!(T1);
takes_arg!(T1 T2);
takes_arg!(T1 T2 T3);
takes_arg!(T1 T2 T3 T4);
takes_arg!(T1 T2 T3 T4 T5);
takes_arg!(T1 T2 T3 T4 T5 T6);
takes_arg!(T1 T2 T3 T4 T5 T6 T7);
takes_arg!(T1 T2 T3 T4 T5 T6 T7 T8);

/// `handler`, serving requests of `method`, if one of its arguments is an `A`; a compile error otherwise.
/// The router binds each operation `X` with `A` = `Params<operations::X>`.
///
/// A handler taking the parameters of the operation it is bound to compiles:
///
/// ```
/// # mod binding {
/// #     include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes/binding.rs"));
/// # }
/// # /// A stand-in for the crate's private `Params<E>`: the parameters of operation `E`.
/// # struct Params<E>(E);
/// # impl<E: Send, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<E> {
/// #     type Rejection = axum::http::StatusCode;
/// #     async fn from_request_parts(
/// #         _: &mut axum::http::request::Parts,
/// #         _: &S,
/// #     ) -> Result<Self, Self::Rejection> {
/// #         Err(axum::http::StatusCode::NOT_IMPLEMENTED)
/// #     }
/// # }
/// use axum::routing::{MethodFilter, MethodRouter};
/// use webshare_api::operations::Login;
///
/// async fn login(Params(_): Params<Login>, _body: String) {}
///
/// let _: MethodRouter = binding::bind::<Params<Login>, _, _, _, _>(MethodFilter::POST, login);
/// ```
///
/// Bound to another operation, the same handler does not compile:
///
/// ```compile_fail,E0277
/// # mod binding {
/// #     include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes/binding.rs"));
/// # }
/// # struct Params<E>(E);
/// # impl<E: Send, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<E> {
/// #     type Rejection = axum::http::StatusCode;
/// #     async fn from_request_parts(
/// #         _: &mut axum::http::request::Parts,
/// #         _: &S,
/// #     ) -> Result<Self, Self::Rejection> {
/// #         Err(axum::http::StatusCode::NOT_IMPLEMENTED)
/// #     }
/// # }
/// use axum::routing::{MethodFilter, MethodRouter};
/// use webshare_api::operations::{Login, Register};
///
/// async fn login(Params(_): Params<Login>, _body: String) {}
///
/// let _: MethodRouter = binding::bind::<Params<Register>, _, _, _, _>(MethodFilter::POST, login);
/// ```
pub(crate) fn bind<A, T, I, H, S>(method: MethodFilter, handler: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: TakesArg<A, I> + 'static,
    S: Clone + Send + Sync + 'static,
{
    on(method, handler)
}
