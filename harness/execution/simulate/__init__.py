"""``simulate``'s engine: one sequential lane per target, durable in the simulation store.

Plain threads (no Locust): each target's lane sends the whole scenario in id order at the
recorded pace with replay's transport and the simulator's verdicts; one writer thread
commits attempts, outcomes, ``/latest`` polls and outages to the store.
"""

from harness.execution.simulate.engine import Simulation, SimulationResult

__all__ = ["Simulation", "SimulationResult"]
