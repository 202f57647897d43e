"""CR2 cluster-robust variance with Bell-McCaffrey degrees of freedom, in closed form for group means.

Every comparison in the compendium is (or is linearised to) a difference of two people-weighted group
means, i.e. the slope of an OLS of the value on a group dummy, with organisations (clusters) nested in
groups. For that design the CR2 sandwich (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018, working model
the identity) and its Satterthwaite degrees of freedom (Bell & McCaffrey 2002, section 3; Imbens & Kolesar
2016, "K_BM") have a closed form per cluster, so no n x n matrix is ever formed.

Derivation, for one group k with n_k people in clusters g of m_g people:
- The hat matrix of the dummy regression is block-diagonal by group with every entry 1/n_k, so its
  cluster block is H_gg = J/n_k (J all ones). I - H_gg has eigenvalue 1 - m_g/n_k along the ones vector
  and 1 elsewhere, hence A_g = (I - H_gg)^(-1/2) = I + ((1 - m_g/n_k)^(-1/2) - 1) J/m_g.
- The contrast weights of the group's mean are c_g = 1/n_k along the ones vector, so c_g' A_g e_g =
  (1 - m_g/n_k)^(-1/2) S_g / n_k, where S_g is the sum of the cluster's residuals (values minus the
  group mean). CR2 variance:  V_k = sum_g S_g^2 / (n_k (n_k - m_g)).
- Bell-McCaffrey df: with p_g = (I - H)_(., g) A_g c_g, df = tr(P'P)^2 / tr((P'P)^2). P'P is
  block-diagonal by group with, within group k, diagonal m_g / n_k^2 and off-diagonal -w_g w_h / n_k,
  w_g^2 = m_g^2 / (n_k (n_k - m_g)). Hence tr_k = 1/n_k and
  tr2_k = sum_g m_g^2 / n_k^4 + ((sum_g w_g^2)^2 - sum_g w_g^4) / n_k^2.
  A group's own mean uses df = tr_k^2 / tr2_k; the difference of two groups (tr_1 + tr_0)^2 / (tr2_1 + tr2_0).
- Equal cluster sizes: V_k = var(cluster means) / G_k and the df is Welch-Satterthwaite's with the
  working-model variances of the cluster means (G_k - 1 for one group), i.e. a Welch-like t on cluster means.
- Weighted least squares (weights w_i, working model diag(1/w) as in clubSandwich with inverse_var=TRUE):
  the same formulas hold with people counts replaced by weight sums (m_g -> M_g = sum of w over the cluster,
  n_k -> W_k) and S_g the weighted residual sum, sum of w_i (r_i - group mean). A ratio of sums sum y / sum d
  is the WLS mean of y/d with weights d, so S_g = y_g - R d_g and M_g = d_g (the cluster's sums). This is
  clubSandwich's CR2 (tests/test_clubsandwich.py) when the weights are constant within each cluster, as the
  compendium's are (a price is the organisation's); with weights varying within a cluster clubSandwich takes
  another square root of the adjustment (W^-1/2 G^-1/2 W^-1/2, not (W G W)^-1/2) and the two differ a little.
Cliff's delta passes its linearised (placement) values as the residuals: S_g is then the cluster's sum of
influence values, which sum to zero within the group.
Every function works along the last axis, so many data sets of one design (rows) go through in one call
(goodcare.calibrate); one data set is the 1-d case the chapters use.
"""

import numpy as np
from scipy.special import stdtrit

METHOD = "CR2 cluster-robust standard error, Bell-McCaffrey degrees of freedom"


def group_pieces(scores, sizes):
    """One group's CR2 variance and the traces tr, tr2 of its block of P'P, from cluster residual sums and sizes
    (people, or weight sums); along the last axis, so rows may be data sets."""
    s, m = np.asarray(scores, dtype=float), np.asarray(sizes, dtype=float)
    n = m.sum(axis=-1, keepdims=True)
    rest = n - m  # people outside the cluster; positive whenever the group has two or more clusters
    variance = np.sum(s * s / (n * rest), axis=-1)
    w2 = m * m / (n * rest)
    n = n[..., 0]
    tr2 = np.sum(m * m, axis=-1) / n**4 + (w2.sum(axis=-1) ** 2 - np.sum(w2 * w2, axis=-1)) / n**2
    return variance, 1.0 / n, tr2


def bm_df(*pieces: tuple[float, float, float]) -> float:
    """Bell-McCaffrey degrees of freedom of the sum (or difference) of independent groups' means."""
    return sum(p[1] for p in pieces) ** 2 / sum(p[2] for p in pieces)


def t_interval(estimate, variance, df, level: float):
    """estimate -+ t(df) quantile x standard error (elementwise for arrays of data sets)."""
    # stdtrit is the t quantile function itself (scipy.stats.t.ppf calls it), without ~0.1 ms of argument checking.
    half = stdtrit(df, (1 + level) / 2) * np.sqrt(variance)
    return estimate - half, estimate + half


def atanh_t_interval(estimate, variance, df, level: float):
    """A t interval for a statistic bounded by -1 and 1 (Cliff's delta), made on the atanh scale and mapped back.

    The delta method gives atanh's standard error as se / (1 - estimate^2); the interval stays inside -1..1 and is
    asymmetric near the bounds, where the plain interval (clipped) was too narrow: at the study's design it covered
    the true delta in 93.95% of 4,000 data sets, this one in 95.3% (goodcare.calibrate measures it in every build).
    An estimate of exactly -1 or 1 has no spread on that scale: its interval is the whole range."""
    estimate, variance = np.asarray(estimate, dtype=float), np.asarray(variance, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.arctanh(estimate)
        half = stdtrit(df, (1 + level) / 2) * np.sqrt(variance) / (1 - estimate ** 2)
        low, high = np.tanh(centre - half), np.tanh(centre + half)
    edge = np.abs(estimate) >= 1
    return np.where(edge, -1.0, low), np.where(edge, 1.0, high)
