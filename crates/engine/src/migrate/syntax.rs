//! Where an edit goes, when rustc's span is not enough: the function around a call, its
//! return type and its tail expression, the impl block around a trait's name, the struct
//! field of a name, the `let` a value goes to, the call an argument is in. `syn` only
//! locates: its spans (line and column, through proc-macro2's `span-locations`) become byte
//! offsets into the file's own text, and the edits are spliced into that text, so nothing
//! is reprinted. A file syn cannot parse gets no syntax-driven edit.

use proc_macro2::{LineColumn, Span};
use std::ops::Range;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// A file's text and its syntax tree.
pub struct Source<'a> {
    text: &'a str,
    file: syn::File,
    /// The byte offset of each line's start.
    lines: Vec<usize>,
}

/// A function (or method) around an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Its return type (`None`: it returns `()`).
    pub returns: Option<Range<usize>>,
    /// Whether that type is a `Result` (`PyResult`, `Result`), so `?` works in its body.
    pub fallible: bool,
    /// The function that makes the error of the `Result<T, E>` it returns out of any error,
    /// when that error is serde's: `E::custom` for one of its own type parameters bound by
    /// an `Error` trait (`E: de::Error`), `serde::de::Error::custom` for the `Error` of one
    /// bound by a deserializing trait (`A::Error`, `A: SeqAccess<'de>`; through serde's path,
    /// as the trait may not be in scope), `serde::ser::Error::custom` for a serializing one.
    /// A `PyErr` goes there through `.map_err(..)?`.
    pub custom_error: Option<String>,
    /// Its body's tail expression, the value it returns.
    pub tail: Option<Range<usize>>,
    /// Whether its body has a `return` of its own (outside closures).
    pub returns_early: bool,
    /// Whether a closure lies between the function and the offset (`?` there is the
    /// closure's).
    pub in_closure: bool,
    /// The body of the closure that holds the offset when the function's value is that
    /// closure's: the closure is the one argument of a call of [`CLOSURE_RUNNERS`] that is
    /// the function's tail (`Python::with_gil(|py| ..)` as a function's last expression).
    pub value_closure: Option<Range<usize>>,
    /// The closure that holds the offset when its values are collected
    /// (`items.map(|x| ..).collect()`): a `?` inside it can become the collect's.
    pub collected: Option<Collected>,
    /// Whether Python calls it (`#[pyfunction]`, or a method of a `#[pymethods]` block):
    /// its return type may become a `PyResult` without any Rust caller noticing.
    pub exported: bool,
    /// Its typed parameters (`self` left out): (name, type).
    pub params: Vec<(String, Range<usize>)>,
    /// Where one more parameter goes: after the last (`, p: T` there), or just inside the
    /// parentheses when there is none (`p: T`).
    pub next_param: NextParam,
    /// Its body, braces included.
    pub body: Range<usize>,
}

/// A closure whose values are collected: the one argument of a `map` whose value is the
/// receiver of a `collect`, or is bound to a local that is (see [`Function::collected`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    /// The closure's value: its body, or the tail of the block that is its body.
    pub value: Range<usize>,
    /// `collect` with its turbofish, if it has one (`collect::<Vec<_>>`).
    pub collect: Range<usize>,
    /// The type the turbofish names (`Vec<_>`).
    pub into: Option<Range<usize>>,
    /// The end of the `collect(..)` call.
    pub end: usize,
    /// The `Ok(..)` whose one argument is the collect, if any: a `?` after the collect would
    /// be needless there (`Ok(x?)` is `x`).
    pub ok: Option<Range<usize>>,
}

/// Where a function's next parameter goes (see [`Function::next_param`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextParam {
    /// Just after its last parameter.
    After(usize),
    /// Just after its `(`: it has none.
    First(usize),
}

/// A struct, located by an offset inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Struct {
    /// Its name.
    pub name: String,
    /// Whether it has generic parameters.
    pub generic: bool,
    /// Each field: its name (`None` in a tuple struct) and its type.
    pub fields: Vec<(Option<String>, Range<usize>)>,
    /// Each path its `#[derive(..)]` attributes name, with the whole list it stands in
    /// (the attribute's parentheses, exclusive).
    pub derives: Vec<(Range<usize>, Range<usize>)>,
    /// Just after its end (its `}` or its `;`).
    pub end: usize,
}

/// PyO3's functions that run a closure and return its value (0.19 to 0.30): a `?` in
/// such a closure reaches the caller's value once the closure returns `Ok(..)`.
pub const CLOSURE_RUNNERS: [&str; 4] = ["with_gil", "attach", "allow_threads", "detach"];

/// A method call, located by its method's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodCall {
    /// The receiver, `x` in `x.m(..)`.
    pub receiver: Range<usize>,
    /// Whether the receiver is itself a call (`PyList::new(..)`, `f(..)`, `x.m(..)`).
    pub receiver_is_call: bool,
    /// Whether the receiver is a value made there (a call, a call's `?`, a literal), not a
    /// place such as a variable: a method taking it by value instead of by reference moves
    /// nothing anyone uses afterwards.
    pub receiver_is_temporary: bool,
    /// The method's name.
    pub method: Range<usize>,
    /// The whole call, up to its closing parenthesis.
    pub call: Range<usize>,
}

/// A call of an associated function by its path, `T::f(..)` or `<T as Trait>::f(..)`,
/// located by the function's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCall {
    /// The whole call, up to its closing parenthesis.
    pub call: Range<usize>,
    /// `T`: the qualified self type, else the path before the function's name (none for a
    /// plain `f(..)`).
    pub ty: Option<Range<usize>>,
    /// Each argument.
    pub args: Vec<Range<usize>>,
}

/// A trait impl with one method, located by the trait's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraitImpl {
    /// Just after the `impl` keyword.
    pub after_impl: usize,
    /// The impl's own `<..>`, if any.
    pub generics: Option<Range<usize>>,
    /// The trait's path with its arguments (`IntoPy<PyObject>`).
    pub trait_path: Range<usize>,
    /// Just after the impl's `{`.
    pub body_start: usize,
    /// Each method: its name, where it starts and its function facts.
    pub methods: Vec<Method>,
}

/// A method of a [`TraitImpl`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// Its name.
    pub name: Range<usize>,
    /// Where the method starts (its first attribute or its `fn`).
    pub start: usize,
    /// What [`Function`] says of it.
    pub function: Function,
}

impl<'a> Source<'a> {
    /// Parses `text`; `None` when syn cannot.
    pub fn parse(text: &'a str) -> Option<Source<'a>> {
        let file = syn::parse_file(text).ok()?;
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Some(Source { text, file, lines })
    }

    /// The byte offset of a line and (character) column.
    fn offset(&self, at: LineColumn) -> usize {
        let line_start = self
            .lines
            .get(at.line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[line_start..];
        line_start + line.char_indices().nth(at.column).map_or(line.len(), |(i, _)| i)
    }

    /// The bytes a span covers.
    fn range(&self, span: Span) -> Range<usize> {
        self.offset(span.start())..self.offset(span.end())
    }

    /// The innermost function whose body holds `at`.
    pub fn function_at(&self, at: usize) -> Option<Function> {
        let mut finder = Finder {
            source: self,
            at,
            found: None,
            exported_impl: false,
        };
        finder.visit_file(&self.file);
        finder.found
    }

    /// Every function and method, whole (attributes and doc comments included), in the
    /// order they start: the rules never add nor remove one, so the n-th function of a file
    /// before a step is the n-th after it.
    pub fn functions(&self) -> Vec<Range<usize>> {
        let mut all = Functions {
            source: self,
            found: Vec::new(),
        };
        all.visit_file(&self.file);
        all.found.sort_by_key(|r| r.start);
        all.found
    }

    /// The method call whose method name covers exactly `name`.
    pub fn method_call(&self, name: Range<usize>) -> Option<MethodCall> {
        let mut calls = Calls {
            source: self,
            name,
            found: None,
            mapped: None,
        };
        calls.visit_file(&self.file);
        calls.found
    }

    /// The types of every struct field named `name` (a struct's `name: T`), in file order.
    pub fn fields_named(&self, name: &str) -> Vec<Range<usize>> {
        let mut fields = Fields {
            source: self,
            name,
            found: Vec::new(),
        };
        fields.visit_file(&self.file);
        fields.found
    }

    /// The type written on the innermost `let` whose value holds `at` (`let x: T = ..`).
    pub fn let_type_at(&self, at: usize) -> Option<Range<usize>> {
        let holds = |l: &Let| l.value.as_ref().is_some_and(|v| v.contains(&at));
        self.lets().into_iter().rev().filter(holds).find_map(|l| l.ty)
    }

    /// The type written on the last `let name: T` inside `within` (a function's body) that
    /// comes before `at`.
    pub fn declared_type(&self, name: &str, within: Range<usize>, at: usize) -> Option<Range<usize>> {
        self.lets_of(name, within, at).find_map(|l| l.ty)
    }

    /// The value of the last `let name = ..` inside `within` that comes before `at`.
    pub fn assigned_value(&self, name: &str, within: Range<usize>, at: usize) -> Option<Range<usize>> {
        self.lets_of(name, within, at).next()?.value
    }

    /// The `let`s of `name` inside `within` that come before `at`, the last first.
    fn lets_of<'n>(&self, name: &'n str, within: Range<usize>, at: usize) -> impl Iterator<Item = Let> + 'n {
        let declares = move |l: &Let| l.name.as_deref() == Some(name) && within.contains(&l.start) && l.start < at;
        self.lets().into_iter().rev().filter(declares)
    }

    /// For `x.map(|..| body).collect()` (`collect` the method's name): each item of `body`
    /// when it is a tuple, else `body` itself.
    pub fn mapped_items(&self, collect: Range<usize>) -> Option<Vec<Range<usize>>> {
        let mut calls = Calls {
            source: self,
            name: collect,
            found: None,
            mapped: None,
        };
        calls.visit_file(&self.file);
        calls.mapped
    }

    /// The `let name = ..` (a plain name, not `mut`, no type written) whose value starts at
    /// `at`: its name and its value.
    pub fn plain_let_from(&self, at: usize) -> Option<(String, Range<usize>)> {
        let plain = |l: Let| {
            let plain = l.ty.is_none() && !l.mutable;
            Some((l.name?, l.value?)).filter(|(_, v)| plain && v.start == at)
        };
        self.lets().into_iter().find_map(plain)
    }

    /// The innermost method call whose arguments hold `at`.
    pub fn call_around(&self, at: usize) -> Option<MethodCall> {
        let mut calls = Around {
            source: self,
            at,
            found: None,
        };
        calls.visit_file(&self.file);
        calls.found
    }

    /// Every `let`, in file order.
    fn lets(&self) -> Vec<Let> {
        let mut lets = Lets {
            source: self,
            found: Vec::new(),
        };
        lets.visit_file(&self.file);
        lets.found
    }

    /// The call of an associated function whose name covers exactly `name`.
    pub fn path_call(&self, name: Range<usize>) -> Option<PathCall> {
        let mut calls = PathCalls {
            source: self,
            name,
            found: None,
        };
        calls.visit_file(&self.file);
        calls.found
    }

    /// The struct that holds `at`.
    pub fn struct_at(&self, at: usize) -> Option<Struct> {
        let mut structs = Structs {
            source: self,
            at,
            found: None,
        };
        structs.visit_file(&self.file);
        structs.found
    }

    /// What [`Function`] says of each method of the impl block that holds `at`.
    pub fn methods_of_impl_at(&self, at: usize) -> Vec<Function> {
        let mut impls = ImplMethods {
            source: self,
            at,
            found: Vec::new(),
        };
        impls.visit_file(&self.file);
        impls.found
    }

    /// The trait impl whose trait path holds `at`.
    pub fn trait_impl(&self, at: usize) -> Option<TraitImpl> {
        let mut impls = Impls {
            source: self,
            at,
            found: None,
        };
        impls.visit_file(&self.file);
        impls.found
    }

    /// What [`Function`] says of a function with this signature, body and attributes,
    /// `in_closure` the body of the innermost closure between it and the offset asked about.
    fn function(
        &self,
        sig: &syn::Signature,
        block: &syn::Block,
        exported: bool,
        in_closure: Option<Range<usize>>,
    ) -> Function {
        let returns = match &sig.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, ty) => Some(ty),
        };
        // `Result<T, E>` takes a `PyErr` through `?` only when `E` is one.
        let fallible = returns
            .and_then(|ty| result_error(ty))
            .is_some_and(|error| match error {
                None => true,
                Some(syn::GenericArgument::Type(syn::Type::Path(e))) => {
                    e.path.segments.last().is_some_and(|e| e.ident == "PyErr")
                }
                Some(_) => false,
            });
        let tail = match block.stmts.last() {
            Some(syn::Stmt::Expr(expr, None)) => Some(expr),
            _ => None,
        };
        let custom_error = returns.and_then(|ty| custom_error(sig, ty));
        let mut early = EarlyReturns(false);
        early.visit_block(block);
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) => match &*t.pat {
                    syn::Pat::Ident(p) => Some((p.ident.to_string(), self.range(t.ty.span()))),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let next_param = match sig.inputs.last() {
            Some(last) => NextParam::After(self.range(last.span()).end),
            None => NextParam::First(self.range(sig.paren_token.span.open()).end),
        };
        Function {
            params,
            next_param,
            body: self.range(block.brace_token.span.join()),
            returns: returns.map(|ty| self.range(ty.span())),
            fallible,
            custom_error,
            tail: tail.map(|expr| self.range(expr.span())),
            returns_early: early.0,
            in_closure: in_closure.is_some(),
            value_closure: tail.and_then(|expr| self.value_closure(expr, in_closure.clone()?)),
            collected: in_closure.and_then(|closure| self.collected(block, closure)),
            exported,
        }
    }

    /// Each method of the impl block `i` (`exported`: Python calls them).
    fn methods(&self, i: &syn::ItemImpl, exported: bool) -> Vec<Method> {
        i.items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Fn(f) => Some(Method {
                    name: self.range(f.sig.ident.span()),
                    start: self.range(f.span()).start,
                    function: self.function(&f.sig, &f.block, exported, None),
                }),
                _ => None,
            })
            .collect()
    }

    /// What [`MethodCall`] says of `m`.
    fn method_call_of(&self, m: &syn::ExprMethodCall) -> MethodCall {
        let is_call = |e: &syn::Expr| matches!(e, syn::Expr::Call(_) | syn::Expr::MethodCall(_));
        let receiver = self.range(m.receiver.span());
        MethodCall {
            receiver_is_call: is_call(&m.receiver),
            receiver_is_temporary: match &*m.receiver {
                syn::Expr::Try(t) => is_call(&t.expr),
                syn::Expr::Lit(_) => true,
                e => is_call(e),
            },
            method: self.range(m.method.span()),
            call: receiver.start..self.range(m.paren_token.span.close()).end,
            receiver,
        }
    }

    /// The `map(..).collect()` in `block` whose closure's body is `closure`.
    fn collected(&self, block: &syn::Block, closure: Range<usize>) -> Option<Collected> {
        let mut collects = Collects {
            source: self,
            closure,
            mapped: None,
            value: None,
            oks: Vec::new(),
            found: None,
        };
        collects.visit_block(block);
        collects.found
    }

    /// The body of `closure` (the closure around the offset, as a range of its body) when
    /// `tail` runs it through one of [`CLOSURE_RUNNERS`] and it returns early nowhere.
    fn value_closure(&self, tail: &syn::Expr, closure: Range<usize>) -> Option<Range<usize>> {
        let (name, args) = match tail {
            syn::Expr::Call(call) => match &*call.func {
                syn::Expr::Path(p) => (p.path.segments.last()?.ident.to_string(), &call.args),
                _ => return None,
            },
            syn::Expr::MethodCall(call) => (call.method.to_string(), &call.args),
            _ => return None,
        };
        let [syn::Expr::Closure(only)] = args.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let mut early = EarlyReturns(false);
        early.visit_expr(&only.body);
        let body = self.range(only.body.span());
        (CLOSURE_RUNNERS.contains(&name.as_str()) && body == closure && !early.0).then_some(body)
    }
}

/// The error argument of a return type that is a `Result` or a `PyResult`: `Some(None)` when
/// it names none (`PyResult<T>`, a one-argument `Result<T>` alias), `Some(Some(E))` for
/// `Result<T, E>`; `None` for any other type.
fn result_error(ty: &syn::Type) -> Option<Option<&syn::GenericArgument>> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p
        .path
        .segments
        .last()
        .filter(|s| s.ident == "PyResult" || s.ident == "Result")?;
    Some(match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().nth(1),
        _ => None,
    })
}

/// See [`Function::custom_error`]: the function that makes `E` of the return type `ty`
/// (`Result<T, E>`), from the bounds `sig` declares in its generics or its `where` clause.
fn custom_error(sig: &syn::Signature, ty: &syn::Type) -> Option<String> {
    let Some(syn::GenericArgument::Type(syn::Type::Path(e))) = result_error(ty)? else {
        return None;
    };
    // The last segments of the traits bounding the type parameter `name`.
    let bounds = |name: &syn::Ident| -> Vec<String> {
        let declared = sig
            .generics
            .type_params()
            .filter(|t| t.ident == *name)
            .flat_map(|t| &t.bounds);
        let in_where = sig
            .generics
            .where_clause
            .iter()
            .flat_map(|w| &w.predicates)
            .filter_map(|p| match p {
                syn::WherePredicate::Type(t) if matches!(&t.bounded_ty, syn::Type::Path(b) if b.path.is_ident(name)) => {
                    Some(&t.bounds)
                }
                _ => None,
            })
            .flatten();
        declared
            .chain(in_where)
            .filter_map(|b| match b {
                syn::TypeParamBound::Trait(t) => t.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            })
            .collect()
    };
    let segments: Vec<_> = e.path.segments.iter().collect();
    match segments[..] {
        [name] if bounds(&name.ident).iter().any(|b| b == "Error") => Some(format!("{}::custom", name.ident)),
        [of, error] if error.ident == "Error" && of.arguments.is_none() => {
            let traits = bounds(&of.ident);
            let deserializing = |t: &String| t.ends_with("Access") || t == "Deserializer";
            let serializing = |t: &String| t.starts_with("Serialize");
            if traits.iter().any(deserializing) {
                Some("serde::de::Error::custom".into())
            } else if traits.iter().any(serializing) {
                Some("serde::ser::Error::custom".into())
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether `attrs` hold an attribute whose path ends in `name` (`#[pyfunction]`,
/// `#[pyo3::pyfunction]`).
fn has_attribute(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .any(|a| a.path().segments.last().is_some_and(|s| s.ident == name))
}

/// Finds the innermost function around an offset.
struct Finder<'s, 'a> {
    source: &'s Source<'a>,
    at: usize,
    found: Option<Function>,
    /// Whether the impl being visited is a `#[pymethods]` block.
    exported_impl: bool,
}

impl Finder<'_, '_> {
    fn holds(&self, block: &syn::Block) -> bool {
        self.source.range(block.brace_token.span.join()).contains(&self.at)
    }

    /// Records the function if its body holds the offset, then looks inside it for an
    /// inner one (which wins).
    fn function(&mut self, sig: &syn::Signature, block: &syn::Block, exported: bool) -> bool {
        if !self.holds(block) {
            return false;
        }
        let mut closures = Closures {
            source: self.source,
            at: self.at,
            found: None,
        };
        closures.visit_block(block);
        self.found = Some(self.source.function(sig, block, exported, closures.found));
        true
    }
}

impl<'ast> Visit<'ast> for Finder<'_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if self.function(&f.sig, &f.block, has_attribute(&f.attrs, "pyfunction")) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let outer = std::mem::replace(&mut self.exported_impl, has_attribute(&i.attrs, "pymethods"));
        syn::visit::visit_item_impl(self, i);
        self.exported_impl = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if self.function(&f.sig, &f.block, self.exported_impl) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
}

/// Every function's whole range.
struct Functions<'s, 'a> {
    source: &'s Source<'a>,
    found: Vec<Range<usize>>,
}

impl<'ast> Visit<'ast> for Functions<'_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.found.push(self.source.range(f.span()));
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.found.push(self.source.range(f.span()));
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// The body of the innermost closure that holds an offset.
struct Closures<'s, 'a> {
    source: &'s Source<'a>,
    at: usize,
    found: Option<Range<usize>>,
}

impl<'ast> Visit<'ast> for Closures<'_, '_> {
    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let body = self.source.range(c.body.span());
        if body.contains(&self.at) {
            self.found = Some(body);
            syn::visit::visit_expr_closure(self, c);
        }
    }

    // An inner function is a function of its own: the finder looks at it.
    fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
}

/// Finds the `collect` of one closure's values: `items.map(|..| body).collect()`, or
/// `let mapped = items.map(|..| body);` then `mapped.collect()`.
struct Collects<'s, 'a> {
    source: &'s Source<'a>,
    closure: Range<usize>,
    /// The local the closure's `map` is bound to, once its `let` is seen.
    mapped: Option<syn::Ident>,
    /// The closure's value: its body, or the tail of its block.
    value: Option<Range<usize>>,
    /// The `Ok(..)` calls seen, each with its one argument.
    oks: Vec<(Range<usize>, Range<usize>)>,
    found: Option<Collected>,
}

impl Collects<'_, '_> {
    /// Whether `e` is a `map` whose one argument is the closure, which returns nowhere early
    /// (a `return` would return a value the `Ok(..)` around its value does not wrap); if so,
    /// its value is noted.
    fn is_the_map(&mut self, e: &syn::Expr) -> bool {
        let syn::Expr::MethodCall(map) = e else {
            return false;
        };
        let [syn::Expr::Closure(c)] = map.args.iter().collect::<Vec<_>>()[..] else {
            return false;
        };
        let mut early = EarlyReturns(false);
        early.visit_expr(&c.body);
        if map.method != "map" || self.source.range(c.body.span()) != self.closure || early.0 {
            return false;
        }
        let tail = match &*c.body {
            syn::Expr::Block(b) => match b.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => Some(tail),
                _ => None,
            },
            _ => None,
        };
        self.value = Some(tail.map_or(self.closure.clone(), |t| self.source.range(t.span())));
        true
    }
}

impl<'ast> Visit<'ast> for Collects<'_, '_> {
    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (syn::Pat::Ident(name), Some(init)) = (&l.pat, &l.init) {
            if self.is_the_map(&init.expr) {
                self.mapped = Some(name.ident.clone());
            }
        }
        syn::visit::visit_local(self, l);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let of_the_local = match &*m.receiver {
            syn::Expr::Path(p) => self.mapped.as_ref().is_some_and(|name| p.path.is_ident(name)),
            _ => false,
        };
        let of_the_map = m.method == "collect" && (of_the_local || self.is_the_map(&m.receiver));
        if let (true, None, Some(value)) = (of_the_map, &self.found, self.value.clone()) {
            let turbofish = m.turbofish.as_ref();
            let into = turbofish.and_then(|t| match t.args.iter().collect::<Vec<_>>()[..] {
                [syn::GenericArgument::Type(ty)] => Some(self.source.range(ty.span())),
                _ => None,
            });
            let name = self.source.range(m.method.span());
            let collect = match turbofish {
                Some(t) => name.start..self.source.range(t.span()).end,
                None => name,
            };
            let whole = self.source.range(m.span());
            self.found = Some(Collected {
                value,
                collect,
                into,
                end: self.source.range(m.paren_token.span.close()).end,
                ok: self
                    .oks
                    .iter()
                    .find(|(arg, _)| *arg == whole)
                    .map(|(_, call)| call.clone()),
            });
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    // Seen before its argument, which may be the collect.
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let (syn::Expr::Path(f), [arg]) = (&*c.func, &c.args.iter().collect::<Vec<_>>()[..]) {
            if f.path.is_ident("Ok") {
                self.oks
                    .push((self.source.range(arg.span()), self.source.range(c.span())));
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    // `format!("{}", mapped.collect::<Vec<_>>()..)`.
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        visit_macro_arguments(self, m);
    }

    fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
}

/// Visits the arguments of a macro call that read as expressions (`vec![a.m(), b]`,
/// `format!("{}", x.m())`), which syn leaves as tokens; their spans are the file's.
fn visit_macro_arguments<V: for<'ast> Visit<'ast>>(visitor: &mut V, m: &syn::Macro) {
    let args = m.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated);
    for arg in args.iter().flatten() {
        visitor.visit_expr(arg);
    }
}

/// Whether a body returns early.
struct EarlyReturns(bool);

impl<'ast> Visit<'ast> for EarlyReturns {
    fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
        self.0 = true;
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}

    fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
}

/// Finds a method call by its method's name.
struct Calls<'s, 'a> {
    source: &'s Source<'a>,
    name: Range<usize>,
    found: Option<MethodCall>,
    /// What [`Source::mapped_items`] says of it.
    mapped: Option<Vec<Range<usize>>>,
}

impl<'ast> Visit<'ast> for Calls<'_, '_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if self.source.range(m.method.span()) == self.name {
            self.found = Some(self.source.method_call_of(m));
            if let syn::Expr::MethodCall(map) = &*m.receiver {
                if let (true, [syn::Expr::Closure(closure)]) =
                    (map.method == "map", &map.args.iter().collect::<Vec<_>>()[..])
                {
                    self.mapped = Some(match &*closure.body {
                        syn::Expr::Tuple(t) => t.elems.iter().map(|e| self.source.range(e.span())).collect(),
                        body => vec![self.source.range(body.span())],
                    });
                }
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        visit_macro_arguments(self, m);
    }
}

/// Finds the struct fields of a name.
struct Fields<'s, 'a, 'n> {
    source: &'s Source<'a>,
    name: &'n str,
    found: Vec<Range<usize>>,
}

impl<'ast> Visit<'ast> for Fields<'_, '_, '_> {
    fn visit_field(&mut self, f: &'ast syn::Field) {
        if f.ident.as_ref().is_some_and(|i| i == self.name) {
            self.found.push(self.source.range(f.ty.span()));
        }
        syn::visit::visit_field(self, f);
    }

    // An enum variant's fields are not a struct's.
    fn visit_item_enum(&mut self, _: &'ast syn::ItemEnum) {}
}

/// A `let`.
struct Let {
    /// Where it starts.
    start: usize,
    /// The variable it binds, when it binds one by name (`let x`, `let mut x: T`).
    name: Option<String>,
    /// Whether that binding is `mut`.
    mutable: bool,
    /// The type it writes, if it does.
    ty: Option<Range<usize>>,
    /// Its value, if it has one.
    value: Option<Range<usize>>,
}

/// Finds the `let`s.
struct Lets<'s, 'a> {
    source: &'s Source<'a>,
    found: Vec<Let>,
}

impl<'ast> Visit<'ast> for Lets<'_, '_> {
    fn visit_local(&mut self, l: &'ast syn::Local) {
        let (pat, ty) = match &l.pat {
            syn::Pat::Type(typed) => (&*typed.pat, Some(self.source.range(typed.ty.span()))),
            pat => (pat, None),
        };
        self.found.push(Let {
            start: self.source.range(l.let_token.span).start,
            name: match pat {
                syn::Pat::Ident(p) if p.by_ref.is_none() => Some(p.ident.to_string()),
                _ => None,
            },
            mutable: matches!(pat, syn::Pat::Ident(p) if p.mutability.is_some()),
            ty,
            value: l.init.as_ref().map(|i| self.source.range(i.expr.span())),
        });
        syn::visit::visit_local(self, l);
    }
}

/// Finds a call of an associated function by its name.
struct PathCalls<'s, 'a> {
    source: &'s Source<'a>,
    name: Range<usize>,
    found: Option<PathCall>,
}

impl<'ast> Visit<'ast> for PathCalls<'_, '_> {
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = &*c.func {
            let segments = &path.path.segments;
            let named = segments
                .last()
                .is_some_and(|s| self.source.range(s.ident.span()) == self.name);
            if named {
                let ty = match (&path.qself, segments.len()) {
                    (Some(qself), _) => Some(self.source.range(qself.ty.span())),
                    (None, n) if n > 1 => {
                        let first = self.source.range(segments[0].span());
                        Some(first.start..self.source.range(segments[n - 2].span()).end)
                    }
                    _ => None,
                };
                self.found = Some(PathCall {
                    call: self.source.range(c.span()),
                    ty,
                    args: c.args.iter().map(|a| self.source.range(a.span())).collect(),
                });
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        visit_macro_arguments(self, m);
    }
}

/// Finds the innermost method call whose arguments hold an offset.
struct Around<'s, 'a> {
    source: &'s Source<'a>,
    at: usize,
    found: Option<MethodCall>,
}

impl<'ast> Visit<'ast> for Around<'_, '_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if self.source.range(m.paren_token.span.join()).contains(&self.at) {
            self.found = Some(self.source.method_call_of(m));
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// Finds a trait impl by an offset in its trait's path.
struct Impls<'s, 'a> {
    source: &'s Source<'a>,
    at: usize,
    found: Option<TraitImpl>,
}

impl<'ast> Visit<'ast> for Impls<'_, '_> {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let source = self.source;
        if let Some((path, _)) = &i.trait_ {
            let trait_path = source.range(path.span());
            if trait_path.contains(&self.at) {
                let generics = i.generics.lt_token.and(i.generics.gt_token).map(|gt| {
                    source.range(i.generics.lt_token.expect("checked").span).start..source.range(gt.span).end
                });
                let methods = source.methods(i, false);
                self.found = Some(TraitImpl {
                    after_impl: source.range(i.impl_token.span).end,
                    generics,
                    trait_path,
                    body_start: source.range(i.brace_token.span.open()).end,
                    methods,
                });
            }
        }
        syn::visit::visit_item_impl(self, i);
    }
}

/// Finds the struct that holds an offset.
struct Structs<'s, 'a> {
    source: &'s Source<'a>,
    at: usize,
    found: Option<Struct>,
}

impl<'ast> Visit<'ast> for Structs<'_, '_> {
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let source = self.source;
        let whole = source.range(s.span());
        if !whole.contains(&self.at) {
            return;
        }
        let derives = s
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("derive"))
            .filter_map(|a| {
                let syn::Meta::List(list) = &a.meta else {
                    return None;
                };
                let inside =
                    source.range(list.delimiter.span().open()).end..source.range(list.delimiter.span().close()).start;
                let paths = list
                    .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                    .ok()?;
                Some(paths.into_iter().map(move |p| (source.range(p.span()), inside.clone())))
            })
            .flatten()
            .collect();
        self.found = Some(Struct {
            name: s.ident.to_string(),
            generic: !s.generics.params.is_empty(),
            fields: s
                .fields
                .iter()
                .map(|f| (f.ident.as_ref().map(|i| i.to_string()), source.range(f.ty.span())))
                .collect(),
            derives,
            end: whole.end,
        });
    }
}

/// Finds the methods of the impl block that holds an offset.
struct ImplMethods<'s, 'a> {
    source: &'s Source<'a>,
    at: usize,
    found: Vec<Function>,
}

impl<'ast> Visit<'ast> for ImplMethods<'_, '_> {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if !self.source.range(i.span()).contains(&self.at) {
            return;
        }
        let exported = has_attribute(&i.attrs, "pymethods");
        self.found = self
            .source
            .methods(i, exported)
            .into_iter()
            .map(|m| m.function)
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
/// A pair, é.
struct Pair(i64, i64);

impl IntoPy<PyObject> for Pair {
    fn into_py(self, py: Python<'_>) -> PyObject {
        PyTuple::new(py, [self.0, self.1]).into_py(py)
    }
}

#[pyfunction]
fn pair_up(py: Python<'_>, left: i64) -> PyObject {
    Pair(left, 1).into_py(py)
}

fn fresh(n: usize) -> PyResult<PyObject> {
    Python::with_gil(|py| Ok(PyList::new(py, 0..n).into_py(py)))
}
"#;

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap()
    }

    #[test]
    fn the_function_around_an_offset_knows_its_return_type_tail_and_closures() {
        let source = Source::parse(TEXT).unwrap();
        let pair_up = source.function_at(at(TEXT, "Pair(left")).unwrap();
        assert_eq!(&TEXT[pair_up.returns.clone().unwrap()], "PyObject");
        assert_eq!(&TEXT[pair_up.tail.clone().unwrap()], "Pair(left, 1).into_py(py)");
        assert!(pair_up.exported && !pair_up.fallible && !pair_up.in_closure && !pair_up.returns_early);
        let fresh = source.function_at(at(TEXT, "PyList::new")).unwrap();
        assert!(fresh.fallible && fresh.in_closure && !fresh.exported);
        let body = fresh.value_closure.unwrap();
        assert_eq!(&TEXT[body], "Ok(PyList::new(py, 0..n).into_py(py))");
        assert_eq!(pair_up.value_closure, None);
        assert_eq!(source.function_at(at(TEXT, "struct Pair")), None);
        // A result a `PyErr` goes into with `?`, or not.
        for (returns, fallible) in [
            ("PyResult<u8>", true),
            ("Result<u8, PyErr>", true),
            ("anyhow::Result<u8>", true),
            ("Result<u8, E>", false),
            ("Result<u8, std::fmt::Error>", false),
        ] {
            let text = format!("fn f() -> {returns} {{\n    g()\n}}\n");
            let function = Source::parse(&text).unwrap().function_at(at(&text, "g()")).unwrap();
            assert_eq!(function.fallible, fallible, "{returns}");
        }
    }

    #[test]
    fn a_method_call_and_a_trait_impl_are_found_by_their_names() {
        let source = Source::parse(TEXT).unwrap();
        let name = at(TEXT, "into_py(py)\n    }");
        let call = source.method_call(name..name + "into_py".len()).unwrap();
        assert_eq!(&TEXT[call.receiver.clone()], "PyTuple::new(py, [self.0, self.1])");
        assert!(call.receiver_is_call);
        assert_eq!(&TEXT[call.call], "PyTuple::new(py, [self.0, self.1]).into_py(py)");
        let found = source.trait_impl(at(TEXT, "IntoPy<")).unwrap();
        assert_eq!(&TEXT[found.trait_path], "IntoPy<PyObject>");
        assert_eq!(found.generics, None);
        assert_eq!(&TEXT[found.after_impl - 4..found.after_impl], "impl");
        assert_eq!(&TEXT[found.body_start - 1..found.body_start], "{");
        let method = &found.methods[0];
        assert_eq!(&TEXT[method.name.clone()], "into_py");
        assert_eq!(method.function.params[0].0, "py");
        assert_eq!(&TEXT[method.function.params[0].1.clone()], "Python<'_>");
        assert_eq!(&TEXT[method.function.returns.clone().unwrap()], "PyObject");
    }

    #[test]
    fn every_function_is_found_whole_with_its_attributes_in_order() {
        let text = "/// Doc.\n#[pyfunction]\npub fn a(x: &PyAny) -> i64 {\n    fn inner() {}\n    1\n}\n\n#[pymethods]\nimpl T {\n    fn m(&self) {}\n}\n";
        let source = Source::parse(text).unwrap();
        let found: Vec<&str> = source.functions().into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            [
                "/// Doc.\n#[pyfunction]\npub fn a(x: &PyAny) -> i64 {\n    fn inner() {}\n    1\n}",
                "fn inner() {}",
                "fn m(&self) {}",
            ]
        );
    }

    #[test]
    fn text_syn_cannot_parse_gets_nothing() {
        assert!(Source::parse("fn f( {").is_none());
    }
}
