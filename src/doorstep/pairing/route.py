"""A worker's visit route: the visits due, ordered into the shortest path from the
worker's base (OR-Tools routing), never longer than visiting them in due order.

The route is open: it starts at the base and ends at the last visit (workers go on
to the office or home, which the route does not know). Distances are great-circle
metres; the map draws straight lines between stops, so it works without tiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

EARTH_RADIUS_M = 6_371_000.0


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> int:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return int(round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))))


@dataclass
class Route:
    order: list[int]  # indices into the stops, in visiting order
    length_m: int
    due_order_length_m: int
    method: str  # "optimized" or "due_order"


def path_length(base: tuple[float, float], stops: list[tuple[float, float]], order) -> int:
    total, here = 0, base
    for i in order:
        total += haversine_m(here, stops[i])
        here = stops[i]
    return total


def shortest_route(
    base: tuple[float, float], stops: list[tuple[float, float]], *, time_limit_s: float = 2.0
) -> Route:
    """`stops` in due order (most urgent first). Returns the shortest order found, or
    the due order itself when nothing shorter was found."""
    n = len(stops)
    due = list(range(n))
    due_len = path_length(base, stops, due)
    if n <= 2:
        if n == 2 and path_length(base, stops, [1, 0]) < due_len:
            return Route([1, 0], path_length(base, stops, [1, 0]), due_len, "optimized")
        return Route(due, due_len, due_len, "due_order")
    points = [base, *stops]
    end = n + 1  # a free end node: 0 from everywhere, so the path is open
    dist = [[haversine_m(p, q) for q in points] + [0] for p in points]
    dist.append([0] * (n + 2))
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [end])
    routing = pywrapcp.RoutingModel(manager)

    def cost(i: int, j: int) -> int:
        return dist[manager.IndexToNode(i)][manager.IndexToNode(j)]

    transit = routing.RegisterTransitCallback(cost)
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    search.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    solution = routing.SolveWithParameters(search)
    if solution is None:
        return Route(due, due_len, due_len, "due_order")
    order = []
    index = routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if 1 <= node <= n:
            order.append(node - 1)
        index = solution.Value(routing.NextVar(index))
    if sorted(order) != due:
        return Route(due, due_len, due_len, "due_order")
    length = path_length(base, stops, order)
    if length >= due_len:
        return Route(due, due_len, due_len, "due_order")
    return Route(order, length, due_len, "optimized")
