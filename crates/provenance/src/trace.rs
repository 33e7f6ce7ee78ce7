//! Trace: backward (where did this come from) and forward (where did it go — recalls, fraud)
//! over the event graph, with the events on the path.
//!
//! The graph is abstract ([`Graph`]): nodes are ledger keys of lots, garments and containers;
//! edges are transformation inputs → outputs and containment children → parent, each labelled
//! with its event. The walk is breadth-first and level-synchronous — one call per level and
//! relation, so a store answers each with one query — and bounded by [`Limits`], so it cannot
//! run away on a national graph; a cut walk says so (`truncated`).

use std::collections::HashMap;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::ledger::Effects;
use crate::lot::identity;

/// Which way to walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Towards the sources: inputs of transformations, contents of containers.
    Backward,
    /// Towards the products: outputs of transformations, containers.
    Forward,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "backward" => Some(Direction::Backward),
            "forward" => Some(Direction::Forward),
            _ => None,
        }
    }
}

/// How an edge joins two nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// `from` is an input of the transformation `event`, `to` one of its outputs.
    Transformation,
    /// `from` (child) was packed into `to` (parent) by `event`.
    Containment,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edge {
    pub event: String,
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
}

/// The event graph, queried a level at a time.
pub trait Graph {
    type Error;
    /// Transformation edges whose `to` is one of `nodes`.
    fn inputs_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error>;
    /// Transformation edges whose `from` is one of `nodes`.
    fn outputs_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error>;
    /// Containment edges whose `to` (parent) is one of `nodes`.
    fn children_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error>;
    /// Containment edges whose `from` (child) is one of `nodes`.
    fn parents_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error>;
    /// Other events of the nodes — creation and observations (delivery, lab test, shipping) —
    /// as (node, eventID).
    fn events_of(&self, nodes: &[String]) -> Result<Vec<(String, String)>, Self::Error>;
}

/// Bounds of a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Most edges from the subject.
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_events: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 64,
            max_nodes: 50_000,
            max_events: 100_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceNode {
    pub id: String,
    pub depth: usize,
}

/// An event on the path and the role it plays there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceEvent {
    pub event: String,
    pub depth: usize,
    /// `transformation`, `containment` or `observation`.
    pub role: &'static str,
}

/// The answer of `GET /trace/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub subject: String,
    pub direction: Direction,
    pub nodes: Vec<TraceNode>,
    pub edges: Vec<Edge>,
    /// Distinct events in the order met (nearest first).
    pub events: Vec<TraceEvent>,
    /// A limit cut the walk short.
    pub truncated: bool,
}

/// Walks from `subject` (any spelling: it is normalised with [`identity`]).
pub fn trace<G: Graph>(
    graph: &G,
    subject: &str,
    direction: Direction,
    limits: Limits,
) -> Result<Trace, G::Error> {
    let start = identity(subject);
    let mut out = Trace {
        subject: start.clone(),
        direction,
        nodes: vec![TraceNode {
            id: start.clone(),
            depth: 0,
        }],
        edges: Vec::new(),
        events: Vec::new(),
        truncated: false,
    };
    let mut seen_nodes: HashSet<String> = HashSet::from([start.clone()]);
    let mut seen_events: HashSet<String> = HashSet::new();
    let mut seen_edges: HashSet<Edge> = HashSet::new();
    let mut frontier = vec![start];
    let mut depth = 0;
    let mut add_event = |out: &mut Trace, event: &str, depth: usize, role: &'static str| {
        if event.is_empty() || seen_events.contains(event) {
            return;
        }
        if out.events.len() >= limits.max_events {
            out.truncated = true;
            return;
        }
        seen_events.insert(event.to_owned());
        out.events.push(TraceEvent {
            event: event.to_owned(),
            depth,
            role,
        });
    };
    while !frontier.is_empty() {
        for (_, event) in graph.events_of(&frontier)? {
            add_event(&mut out, &event, depth, "observation");
        }
        if depth >= limits.max_depth {
            out.truncated = true;
            break;
        }
        let (mut edges, contain) = match direction {
            Direction::Backward => (graph.inputs_of(&frontier)?, graph.children_of(&frontier)?),
            Direction::Forward => (graph.outputs_of(&frontier)?, graph.parents_of(&frontier)?),
        };
        edges.extend(contain);
        depth += 1;
        let mut next = Vec::new();
        for e in edges {
            if !seen_edges.insert(e.clone()) {
                continue;
            }
            let role = match e.kind {
                EdgeKind::Transformation => "transformation",
                EdgeKind::Containment => "containment",
            };
            add_event(&mut out, &e.event, depth, role);
            let node = match direction {
                Direction::Backward => &e.from,
                Direction::Forward => &e.to,
            };
            if !seen_nodes.contains(node) {
                if seen_nodes.len() >= limits.max_nodes {
                    out.truncated = true;
                    continue;
                }
                seen_nodes.insert(node.clone());
                out.nodes.push(TraceNode {
                    id: node.clone(),
                    depth,
                });
                next.push(node.clone());
            }
            out.edges.push(e);
        }
        frontier = next;
    }
    Ok(out)
}

/// An in-memory [`Graph`] built from ledger effects: for tests, tools and small deployments.
#[derive(Debug, Clone, Default)]
pub struct MemoryGraph {
    into: HashMap<String, Vec<Edge>>,
    out_of: HashMap<String, Vec<Edge>>,
    events: HashMap<String, Vec<String>>,
}

impl MemoryGraph {
    pub fn new() -> MemoryGraph {
        MemoryGraph::default()
    }

    fn edge(&mut self, e: Edge) {
        self.out_of
            .entry(e.from.clone())
            .or_default()
            .push(e.clone());
        self.into.entry(e.to.clone()).or_default().push(e);
    }

    fn event(&mut self, node: &str, event: &str) {
        let list = self.events.entry(node.to_owned()).or_default();
        if !list.iter().any(|e| e == event) {
            list.push(event.to_owned());
        }
    }

    /// Adds what a batch recorded.
    pub fn absorb(&mut self, e: &Effects) {
        for l in &e.lineage {
            for (input, _) in &l.inputs {
                for output in &l.outputs {
                    self.edge(Edge {
                        event: l.event.clone(),
                        from: input.clone(),
                        to: output.clone(),
                        kind: EdgeKind::Transformation,
                    });
                }
            }
        }
        for c in &e.containment {
            for child in &c.children {
                self.edge(Edge {
                    event: c.event.clone(),
                    from: child.clone(),
                    to: c.parent.clone(),
                    kind: EdgeKind::Containment,
                });
            }
        }
        for w in e.lots.iter().filter(|w| w.previous.is_none()) {
            self.event(&w.state.lot, &w.state.created_by_event);
        }
        for t in &e.touches {
            self.event(&t.node, &t.event);
        }
    }

    fn collect(map: &HashMap<String, Vec<Edge>>, nodes: &[String], kind: EdgeKind) -> Vec<Edge> {
        nodes
            .iter()
            .filter_map(|n| map.get(n))
            .flatten()
            .filter(|e| e.kind == kind)
            .cloned()
            .collect()
    }
}

impl Graph for MemoryGraph {
    type Error = std::convert::Infallible;
    fn inputs_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error> {
        Ok(Self::collect(&self.into, nodes, EdgeKind::Transformation))
    }
    fn outputs_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error> {
        Ok(Self::collect(&self.out_of, nodes, EdgeKind::Transformation))
    }
    fn children_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error> {
        Ok(Self::collect(&self.into, nodes, EdgeKind::Containment))
    }
    fn parents_of(&self, nodes: &[String]) -> Result<Vec<Edge>, Self::Error> {
        Ok(Self::collect(&self.out_of, nodes, EdgeKind::Containment))
    }
    fn events_of(&self, nodes: &[String]) -> Result<Vec<(String, String)>, Self::Error> {
        Ok(nodes
            .iter()
            .filter_map(|n| self.events.get(n).map(|evs| (n, evs)))
            .flat_map(|(n, evs)| evs.iter().map(move |e| (n.clone(), e.clone())))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Containment, Lineage};
    use crate::terms::Process;

    fn graph() -> MemoryGraph {
        let mut e = Effects::default();
        // a, b → pool (E1) → yarn (E2) → g1, g2 (E3) → case (E4)
        let lin = |event: &str, ins: &[&str], outs: &[&str]| Lineage {
            event: event.into(),
            process: Process::Pooling,
            inputs: ins.iter().map(|s| (s.to_string(), 1)).collect(),
            outputs: outs.iter().map(|s| s.to_string()).collect(),
        };
        e.lineage.push(lin("E1", &["a", "b"], &["pool"]));
        e.lineage.push(lin("E2", &["pool"], &["yarn"]));
        e.lineage.push(lin("E3", &["yarn"], &["g1", "g2"]));
        e.containment.push(Containment {
            event: "E4".into(),
            parent: "case".into(),
            children: vec!["g1".into(), "g2".into()],
        });
        e.touches.push(crate::ledger::Touch {
            node: "case".into(),
            event: "E5".into(),
            process: Process::Shipping,
        });
        let mut g = MemoryGraph::new();
        g.absorb(&e);
        g
    }

    #[test]
    fn backward_from_a_case_reaches_the_sources() {
        let t = trace(&graph(), "case", Direction::Backward, Limits::default()).unwrap();
        let events: Vec<&str> = t.events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(events, vec!["E5", "E4", "E3", "E2", "E1"]);
        let nodes: Vec<&str> = t.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(nodes, vec!["case", "g1", "g2", "yarn", "pool", "a", "b"]);
        assert!(!t.truncated);
    }

    #[test]
    fn forward_from_a_source_reaches_the_shipment() {
        let t = trace(&graph(), "a", Direction::Forward, Limits::default()).unwrap();
        let events: Vec<&str> = t.events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(events, vec!["E1", "E2", "E3", "E4", "E5"]);
        assert!(t.nodes.iter().all(|n| n.id != "b"));
    }

    #[test]
    fn limits_cut_the_walk() {
        let limits = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        let t = trace(&graph(), "a", Direction::Forward, limits).unwrap();
        assert!(t.truncated);
        assert_eq!(t.nodes.last().map(|n| n.id.as_str()), Some("yarn"));
        let limits = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        let t = trace(&graph(), "case", Direction::Backward, limits).unwrap();
        assert!(t.truncated);
        assert_eq!(t.nodes.len(), 3);
        assert_eq!(Direction::parse("forward"), Some(Direction::Forward));
        assert_eq!(Direction::parse("sideways"), None);
    }
}
