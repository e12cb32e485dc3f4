"""pgmpy's exact variable elimination on Kinetrace's exported network: the independent reference engine."""

from __future__ import annotations

from collections.abc import Sequence

from pgmpy.inference import VariableElimination
from pgmpy.readwrite import XMLBIFReader

from kinetrace.reasoning.inference import Likelihood, NoisyOrNetwork, Observation
from kinetrace.reasoning.network import network_tables, to_xmlbif


def pgmpy_posteriors(net: NoisyOrNetwork, observations: Sequence[Observation], likelihoods: Sequence[Likelihood],
                     tmp_path: object) -> dict[str, float]:
    """Export the network with its evidence as XMLBIF, read it back with pgmpy and query every hidden node."""
    tables, observed = network_tables(net, observations, likelihoods)
    path = tmp_path / "network.xml"  # type: ignore[operator]
    path.write_text(to_xmlbif(tables), encoding="utf-8")
    model = XMLBIFReader(str(path)).get_model()
    infer = VariableElimination(model)
    out = {}
    for node in net.order:
        factor = infer.query([node], evidence=observed, show_progress=False)
        out[node] = float(factor.get_value(**{node: "yes"}))
    return out
