//! The stack the check and the fit judge: every [`K8sResource`] kubefit can read and every
//! patched builder replaced by what its emitted object says, read back into the model.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::k8s_resource::K8sResource;
use crate::model::lift::{Problems, lift, unmodelled};
use crate::model::object::Object;
use crate::model::stack::Stack;

/// What reading an object back found: the fields the model has no place for and the values
/// that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    /// `deployment/web`.
    pub(crate) object: String,
    pub(crate) unmodelled: Vec<String>,
    pub(crate) problems: Problems,
}

/// A stack as it will be emitted, in the model's terms.
pub(crate) struct Resolved<'a> {
    pub(crate) stack: Cow<'a, Stack>,
    /// One per object read back with fields left out or values that cannot be read.
    pub(crate) notes: Vec<Note>,
    /// Objects kubefit does not read at all, by kind: `(kind, count)`.
    pub(crate) unread: BTreeMap<String, usize>,
}

fn needs_resolving(o: &Object) -> bool {
    match o {
        Object::K8s(k) => matches!(k.lifted, Ok(Some(_))),
        o => !o.meta().patches().is_empty(),
    }
}

impl Stack {
    /// This stack with every readable [`K8sResource`] and every patched builder replaced by
    /// the model of what it emits; borrowed when there is none.
    pub(crate) fn resolved(&self) -> Resolved<'_> {
        let mut notes = Vec::new();
        let mut unread = BTreeMap::new();
        for o in &self.objects {
            if let Object::K8s(k) = o {
                note_of(k, &mut notes, &mut unread);
            }
        }
        if !self.objects.iter().any(needs_resolving) {
            return Resolved {
                stack: Cow::Borrowed(self),
                notes,
                unread,
            };
        }
        // Built object by object: a K8sResource that is replaced by its model is not cloned
        // (its JSON is most of an imported stack's memory).
        let mut stack = Stack {
            namespace: self.namespace.clone(),
            meta: self.meta.clone(),
            pod_security: self.pod_security.clone(),
            objects: Vec::with_capacity(self.objects.len()),
            traffic: self.traffic.clone(),
            images: self.images.clone(),
            threads: self.threads,
        };
        // Copied on several threads for large stacks (an import of 15,002 documents).
        let threads = if self.objects.len() < crate::util::parallel::CHECK_FROM {
            1
        } else {
            crate::util::parallel::threads(self.threads, self.objects.len())
        };
        let copy = |o: &Object| match o {
            Object::K8s(k) => match &k.lifted {
                Ok(Some(lifted)) => {
                    let mut lifted = (**lifted).clone();
                    *lifted.meta_mut() = k.meta.clone();
                    lifted
                }
                _ => o.clone(),
            },
            o => o.clone(),
        };
        stack.objects =
            crate::util::parallel::map_in_turn(self.objects.iter().collect(), threads, copy);
        let ns = self.namespace.as_str();
        for o in &mut stack.objects {
            match o {
                Object::K8s(_) => {}
                other if !other.meta().patches().is_empty() => {
                    let meta = other.meta().without_patches();
                    let value = serde_json::to_value(other.lower(ns)).unwrap_or_default();
                    let reference = other.reference();
                    let o = other;
                    match lift(&value) {
                        Ok(Some(mut lifted)) => {
                            let again = serde_json::to_value(lifted.lower(ns)).unwrap_or_default();
                            let left_out = unmodelled(&value, &again);
                            if !left_out.is_empty() {
                                notes.push(Note {
                                    object: reference,
                                    unmodelled: left_out,
                                    problems: Vec::new(),
                                });
                            }
                            *lifted.meta_mut() = meta;
                            *o = lifted;
                        }
                        // A kind kubefit does not read back: judged as built.
                        Ok(None) => *o.meta_mut() = meta,
                        Err(problems) => {
                            notes.push(Note {
                                object: reference,
                                unmodelled: Vec::new(),
                                problems,
                            });
                            *o.meta_mut() = meta;
                        }
                    }
                }
                _ => {}
            }
        }
        Resolved {
            stack: Cow::Owned(stack),
            notes,
            unread,
        }
    }
}

fn note_of(k: &K8sResource, notes: &mut Vec<Note>, unread: &mut BTreeMap<String, usize>) {
    let object = format!("{}/{}", k.kind.to_lowercase(), k.name);
    let read = k.pod.is_some() || matches!(k.lifted, Ok(Some(_)));
    match &k.lifted {
        Ok(_) if read && !k.unmodelled.is_empty() => notes.push(Note {
            object,
            unmodelled: k.unmodelled.clone(),
            problems: Vec::new(),
        }),
        Ok(Some(_)) => {}
        Ok(None) if read => {}
        Ok(None) if crate::model::builtin::is_checked_kind(&k.api_version, &k.kind) => {}
        Ok(None) => *unread.entry(k.kind.clone()).or_default() += 1,
        Err(problems) => notes.push(Note {
            object,
            unmodelled: Vec::new(),
            problems: problems.clone(),
        }),
    }
}
