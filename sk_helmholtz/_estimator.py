"""The HelmholtzMachine estimator."""

import copy
import functools
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    DensityMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._exact import MAX_EXACT_UNITS, check_exact_tractable, log_marginal, rows_per_chunk
from ._importance import LIKELIHOOD_METHODS, importance_log_likelihood, resolve_likelihood
from ._monitor import convergence_message, run_monitored_epochs, split_validation
from ._network import dream, feature_log_odds, recognition_means
from ._noise import flip_values, noise_level
from ._online import run_online_epoch
from ._optimizers import make_optimizer
from ._reweighted import reweighted_step
from ._sparse import dense_rows, threshold_bits
from ._validation import (
    PICKLE_VERSION_KEY,
    as_generator,
    caller_stacklevel,
    check_binarize,
    check_exact_widths,
    check_hidden_layer_sizes,
    check_learning_rates,
    check_log_probability_range,
    check_n_samples,
    check_parameter_memory,
    check_pickled_version,
    check_same_hidden_layer_sizes,
    check_unit_interval,
    installed_version,
    log_probability_bound,
    log_probability_limit,
    validate_X,
    warn_constant_bits,
)
from ._wake_sleep import optimized_wake_sleep_step, wake_sleep_step

# Standard deviation of the initial weights when init="random".
RANDOM_INIT_SCALE = 0.1

# Fitted attributes that hold the parameter lists.
PARAMETERS = (
    "generative_coefs_",
    "generative_intercepts_",
    "recognition_coefs_",
    "recognition_intercepts_",
)


class HelmholtzMachine(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, DensityMixin, BaseEstimator
):
    """Helmholtz machine: a layered sigmoid belief network trained by wake-sleep.

    The generative network samples the top hidden layer from a factorised
    Bernoulli prior and each lower layer, down to the data, from sigmoid
    units driven by the layer above. The recognition network maps data
    bottom-up to the hidden layers. The wake-sleep algorithm trains both: the
    wake phase samples an explanation of each data row with the recognition
    network and moves the generative weights toward reproducing it, and the
    sleep phase dreams a complete sample with the generative network and
    moves the recognition weights toward recovering its hidden causes.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(10,)
        Units per hidden layer, bottom-up: the first hidden layer sits next to
        the data, the last is the top layer. ``score_samples`` enumerates all
        ``2**n`` states of each hidden layer, so exact scoring needs layers
        of at most 20 units. The weights and intercepts of both networks may
        take at most 1 GiB; ``fit`` raises a ValueError before allocating
        larger ones.

    learning_rate : float or tuple of float, default=0.1
        Step size of the plain stochastic gradient updates. A tuple gives one
        rate per layer of connections, bottom-up: rate ``i`` applies to the
        generative and recognition weights between layers ``i`` and
        ``i + 1`` and to the generative intercept of layer ``i``; the top
        prior takes the last rate.

    batch_size : int, default=10
        Rows per update; each update averages its gradients over the batch and
        dreams as many rows as the batch has. ``batch_size=1`` is the classic
        online algorithm.

    max_iter : int, default=50
        Maximum number of passes (epochs) over the training data in ``fit``.
        Without ``early_stopping``, ``fit`` runs exactly this many.

    shuffle : bool, default=True
        Whether to shuffle the rows before each epoch.

    binarize : float or None, default=0.5
        Threshold that turns X into bits: values above it become 1, the rest
        0. With None, X is used as given and every value must lie in [0, 1];
        fractional values then act as the probability that a unit is on.
        Sparse X is thresholded without densifying it whole: a threshold of
        at least 0 keeps the bits sparse, and training, scoring and
        ``transform`` densify one batch or chunk of rows at a time.

    init : {"zeros", "random", "data"}, default="zeros"
        Initial weights and intercepts. "zeros" starts every weight and
        intercept at 0, so the machine starts as the uniform distribution and
        the sampling noise of the stochastic units breaks the symmetry
        between hidden units. "random" draws the weights from a normal
        distribution with standard deviation 0.1 and sets the intercepts to
        0. "data" starts as "zeros" does, except that the generative
        intercept of each data unit is the log-odds of its mean over the
        training rows, smoothed as (sum + 1) / (n_rows + 2). The machine
        then starts as independent units with the data's marginals. The rows
        that ``early_stopping`` holds out do not count, and with
        ``partial_fit`` the first call's rows give the means. "zeros" is the
        default because it learned at least as well as "random" in both of
        our measurements: on the 3x3 bars demonstration (5 seeds) the median
        final KL was 0.198 nats with "zeros" and 0.238 with "random"; on
        scikit-learn's digits (10 hidden units, learning rate 0.1, 50
        epochs, 5 seeds) both reached a held-out log-likelihood of -19.86
        nats per row. "data" has been measured only on the 4x4 bars world,
        where exact gradient ascent from it ended at half the median KL of
        ascent from zero intercepts.

    algorithm : {"wake-sleep", "reweighted"}, default="wake-sleep"
        Training algorithm. "wake-sleep" is the classic algorithm: the wake
        phase updates the generative network from one recognition sample
        per row, and the sleep phase updates the recognition network from
        dreams. "reweighted" is reweighted wake-sleep (Bornschein and
        Bengio, 2015): the wake phase draws ``n_wake_samples`` recognition
        samples per row, weighs them by their normalised importance weights
        p_G(x, h) / p_R(h | x), and updates both networks; ``sleep_phase``
        adds the classic sleep phase. The classic algorithm stays the
        default because its wake phase costs about ``n_wake_samples`` times
        less and it keeps the results of earlier versions, although
        "reweighted" learned better models in most of the benchmark
        records: 107.6 against 114.0 nats of test NLL on binarized MNIST
        with 200 hidden units and 30 minutes of fit each, and 90.1 against
        90.7 nats on the UCI dna set.

    n_wake_samples : int, default=5
        Recognition samples per row in each reweighted wake phase. More
        samples give less biased gradients at proportionally higher cost.
        Ignored by the classic algorithm. 5 keeps an update about five times
        as costly as a classic wake phase while it already averages over
        several explanations per row.

    sleep_phase : bool, default=True
        Whether reweighted wake-sleep also runs the sleep phase after each
        wake phase. The classic algorithm always runs it. True is the
        default because the sleep phase trains the recognition network on
        the whole generative distribution, not only near the data.

    solver : {"sgd", "adam"}, default="sgd"
        Rule that turns gradients into steps. "sgd" adds ``learning_rate``
        times the gradient: the classic delta rule. "adam" takes Adam steps
        of size about ``learning_rate`` per parameter, whatever the scale
        of its gradient, so it needs smaller rates than "sgd" (0.001 to
        0.01). Adam's moment estimates persist across ``partial_fit`` calls
        and warm starts, and restart when ``solver``, ``beta_1``,
        ``beta_2`` or ``epsilon`` change. "sgd" is the default because it
        is the classic rule.

    learning_rate_decay : float, default=0.0
        Epoch ``t`` (counted from 0 by ``n_iter_``) uses the rates
        ``learning_rate / (1 + learning_rate_decay * t)``. With
        ``partial_fit`` each call is one epoch. 0 keeps the rates constant,
        as the classic algorithm does.

    input_noise : float, default=0.0
        Probability, at the start of training, of flipping each training
        value (x becomes 1 - x) before the machine sees it. The probability
        falls linearly with the number of epochs done, including the share
        of the current epoch, and reaches 0 after three quarters of
        ``max_iter`` epochs, so the last quarter trains on X as given. Each
        ``partial_fit`` call counts as one epoch, so for training by chunks
        set ``max_iter`` to the number of calls planned. Warm starts
        continue the schedule from ``n_iter_``. Annealed noise can help
        training escape poor local optima: on the 4x4 bars world it let
        reweighted wake-sleep learn clean bars where runs without noise
        stalled. It must lie in [0, 0.5); 0 turns it off. While it is on,
        ``loss_curve_`` records the free energy of the noisy rows.

    beta_1 : float, default=0.9
        Decay rate of Adam's running mean of the gradient, in [0, 1). Used
        only with ``solver="adam"``; the default is the usual one.

    beta_2 : float, default=0.999
        Decay rate of Adam's running mean of the squared gradient, in
        [0, 1). Used only with ``solver="adam"``; the default is the usual
        one.

    epsilon : float, default=1e-8
        Added to the root of Adam's second moment to bound the steps. Used
        only with ``solver="adam"``; the default is the usual one.

    n_init : int, default=1
        Number of initialisations that ``fit`` trains, each for ``max_iter``
        epochs. With ``early_stopping`` all of them hold out the same rows
        and ``fit`` keeps the machine with the highest held-out
        log-likelihood. Otherwise it keeps the one with the highest mean
        training log-likelihood, computed as ``score`` computes it, so each
        extra initialisation also costs one scoring of the training data. The
        initialisations continue one random stream, so they differ even
        with ``init="zeros"``. Ignored by ``partial_fit`` and when
        ``warm_start`` continues a fitted machine. 1 is the default because
        it costs nothing extra.

    likelihood : {"auto", "exact", "importance"}, default="auto"
        How ``score_samples`` and ``score`` compute log p_G(x). "exact"
        sums over every hidden state (hidden layers of at most 20 units).
        "importance" draws ``n_importance_samples`` explanations of each row
        from the recognition network and returns the log of the mean of
        their importance weights p_G(x, h) / p_R(h | x), computed in log
        space. Its expectation is a lower bound on log p_G(x) that tightens
        as the number of samples grows; with an int ``random_state`` it is
        the same on every call. "auto" scores exactly when every layer can
        be enumerated and exact scoring of 1,000 rows is estimated at no
        more than 2**36 multiply-adds (about 5 seconds on a 2-core x86-64
        machine), and by importance sampling otherwise. The choice depends
        only on the network, so one machine scores all data the same way.
        "auto" is the default so that ``score`` and model selection work on
        networks of any width.

    n_importance_samples : int, default=1000
        Samples per row of the importance-sampled log-likelihood. Its cost
        is about ``2 * n_rows * n_importance_samples`` times the number of
        weights of one network. 1000 is the default because it keeps scoring
        at seconds per thousand rows for networks of a few hundred units.

    random_state : int, RandomState instance or None, default=None
        Seed of the random numbers for initialisation, shuffling and the
        stochastic units. Pass an int for reproducible results.

    verbose : int, default=0
        With 1, print one line per epoch: the epoch number, the mean free
        energy of ``loss_curve_`` and the epoch's time. With 2, add the
        held-out log-likelihood when ``early_stopping`` holds rows out, and
        one line per hidden layer: the mean recognition probability of its
        units on up to 1000 held-out (else training) rows, and the mean
        absolute generative and recognition weights below it. Whatever
        ``verbose`` is, a ``fit`` whose first epoch times ``max_iter``
        exceeds 10 seconds shows a progress bar while it runs, when tqdm is
        installed and standard output is a terminal.

    warm_start : bool, default=False
        When True, ``fit`` continues from the fitted parameters instead of
        initialising new ones.

    early_stopping : bool, default=False
        Whether ``fit`` holds out ``validation_fraction`` of the rows, scores
        them after every epoch as ``score`` does, and stops when that score
        has not risen by at least ``tol`` for ``n_iter_no_change``
        consecutive epochs. The machine then keeps the parameters of its
        best epoch. If ``max_iter`` ends the fit first, a ConvergenceWarning
        says so. ``partial_fit`` ignores it. False is the default so that
        ``fit`` trains on every row for exactly ``max_iter`` epochs, draws
        the same random numbers as without these options, and spends no
        time on scoring.

    validation_fraction : float, default=0.1
        Share of the rows that ``early_stopping`` holds out, rounded up to
        whole rows; the rows are drawn with ``random_state``. The default
        follows ``sklearn.neural_network.MLPClassifier``.

    n_iter_no_change : int, default=10
        Number of consecutive epochs without an improvement of ``tol`` after
        which ``early_stopping`` ends the fit. The held-out log-likelihood
        of wake-sleep moves up and down by chance from one epoch to the
        next, so the default waits as many epochs as ``MLPClassifier``
        does.

    tol : float, default=1e-4
        Smallest rise of the held-out log-likelihood, in nats per row, that
        counts as an improvement for ``early_stopping``. The default is
        ``MLPClassifier``'s.

    Attributes
    ----------
    generative_coefs_ : list of ndarray
        ``generative_coefs_[i]`` of shape ``(n_units[i + 1], n_units[i])``,
        with ``n_units = [n_features_in_, *hidden_layer_sizes]``: the logits
        of layer ``i`` are ``h[i + 1] @ generative_coefs_[i] +
        generative_intercepts_[i]``.

    generative_intercepts_ : list of ndarray
        ``generative_intercepts_[i]`` of shape ``(n_units[i],)``; the last one
        holds the prior logits of the top layer.

    recognition_coefs_ : list of ndarray
        ``recognition_coefs_[i]`` of shape ``(n_units[i], n_units[i + 1])``:
        the logits of layer ``i + 1`` given layer ``i`` are
        ``h[i] @ recognition_coefs_[i] + recognition_intercepts_[i]``.

    recognition_intercepts_ : list of ndarray
        ``recognition_intercepts_[i]`` of shape ``(n_units[i + 1],)``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs run since the parameters were initialised.

    loss_curve_ : list of float
        Mean variational free energy of the training rows per epoch, in nats
        per row: a one-sample estimate of E_R[log p_R(h | x) - log p_G(x, h)],
        an upper bound on -log p_G(x), taken during the epoch's wake phases.
        With ``algorithm="reweighted"`` it is the negative importance-sampled
        log-likelihood from the wake samples, an upper bound on -log p_G(x)
        in expectation that is tighter than the free energy.

    best_loss_ : float or None
        Lowest value of ``loss_curve_``; None after a fit with
        ``early_stopping``, where the held-out score takes its place.

    validation_scores_ : list of float or None
        Mean log-likelihood of the held-out rows after each epoch of the
        last ``fit``, in nats per row, when ``early_stopping`` is True;
        otherwise None.

    best_validation_score_ : float or None
        Highest value of ``validation_scores_``, reached by the parameters
        the machine keeps; None without ``early_stopping``.

    See Also
    --------
    sklearn.neural_network.BernoulliRBM : Undirected model of binary data.
    sklearn.mixture.GaussianMixture : Density model of continuous data.

    Notes
    -----
    Symbols of the literature map to the code as follows: the data vector
    ``d`` is layer 0, the hidden layers ``y, x, ...`` are layers 1..L, the
    generative biases ``b^G`` and weights ``W^G, V^G`` are
    ``generative_intercepts_`` and ``generative_coefs_``, and the recognition
    weights ``W^R, V^R`` are ``recognition_coefs_`` with
    ``recognition_intercepts_``.

    The sleep phase minimises KL[p_G(h | x), p_R(h | x)] rather than the
    divergence in the variational free energy, so wake-sleep does not follow
    the gradient of any single objective and its result varies with the seed.

    Exact scoring costs about ``n_rows * 2**n_1 * n_0``
    multiply-adds for ``n_1`` units in the first hidden layer and ``n_0``
    features, plus ``2**n_l * 2**n_(l+1) * n_l`` for each pair of adjacent
    hidden layers. It works in blocks sized by scikit-learn's
    ``working_memory`` setting.

    A pickled machine loads only with the major.minor version of
    sk_helmholtz that saved it. Loading it with another version raises a
    ValueError.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_helmholtz import HelmholtzMachine
    >>> X = np.array([[0, 0, 1], [1, 1, 0], [0, 0, 1], [1, 1, 1]])
    >>> model = HelmholtzMachine(hidden_layer_sizes=(2,), random_state=0).fit(X)
    >>> model.transform(X).shape
    (4, 2)
    >>> model.sample(3, random_state=0).shape
    (3, 3)
    >>> bool(model.score(X) < 0)
    True
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "learning_rate": ["array-like", Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "binarize": [Interval(Real, None, None, closed="neither"), None],
        "init": [StrOptions({"zeros", "random", "data"})],
        "algorithm": [StrOptions({"wake-sleep", "reweighted"})],
        "n_wake_samples": [Interval(Integral, 1, None, closed="left")],
        "sleep_phase": ["boolean"],
        "solver": [StrOptions({"sgd", "adam"})],
        "learning_rate_decay": [Interval(Real, 0, None, closed="left")],
        "input_noise": [Interval(Real, 0, 0.5, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "likelihood": [StrOptions(set(LIKELIHOOD_METHODS))],
        "n_importance_samples": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(10,),
        *,
        learning_rate=0.1,
        batch_size=10,
        max_iter=50,
        shuffle=True,
        binarize=0.5,
        init="zeros",
        algorithm="wake-sleep",
        n_wake_samples=5,
        sleep_phase=True,
        solver="sgd",
        learning_rate_decay=0.0,
        input_noise=0.0,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_init=1,
        likelihood="auto",
        n_importance_samples=1000,
        random_state=None,
        verbose=0,
        warm_start=False,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.binarize = binarize
        self.init = init
        self.algorithm = algorithm
        self.n_wake_samples = n_wake_samples
        self.sleep_phase = sleep_phase
        self.solver = solver
        self.learning_rate_decay = learning_rate_decay
        self.input_noise = input_noise
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_init = n_init
        self.likelihood = likelihood
        self.n_importance_samples = n_importance_samples
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol

    def fit(self, X, y=None):
        """Fit the machine to X by up to ``max_iter`` epochs of wake-sleep.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; see ``binarize`` for the accepted values.

        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : HelmholtzMachine
            The fitted estimator.

        Raises
        ------
        FloatingPointError
            If training diverges. The machine keeps the parameters from
            before the failed epoch.

        Warns
        -----
        ConvergenceWarning
            With ``early_stopping``, when ``max_iter`` epochs end while the
            held-out log-likelihood still improves.

        UserWarning
            When ``binarize`` turns every value of X into the same bit
            although X contains different values.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_helmholtz import HelmholtzMachine
        >>> X = np.array([[0, 0, 1, 1], [1, 1, 0, 0]] * 10)
        >>> model = HelmholtzMachine(hidden_layer_sizes=(2,), max_iter=5, random_state=0)
        >>> model.fit(X).n_iter_
        5
        >>> len(model.loss_curve_)
        5
        """
        self._validate_params()
        fitted = hasattr(self, "generative_coefs_")
        if self.warm_start and fitted:
            check_same_hidden_layer_sizes(self.hidden_layer_sizes, self._hidden_sizes())
        X = self._training_bits(X, reset=not (self.warm_start and fitted), check_constant=True)
        if self.warm_start and fitted:
            self._run_epochs(X)
        else:
            self._fit_best_of_inits(X)
        return self

    def _run_epochs(self, X, validation_split=None, warn=True):
        """Run up to ``max_iter`` epochs of training on the bits X.

        ``validation_split`` is the ``(X_train, X_val)`` pair that early
        stopping uses, or None to split X afresh. Returns True when early
        stopping was on and did not end the run; ``warn`` then also raises
        a ConvergenceWarning.
        """
        rates = self._rates()
        return run_monitored_epochs(
            self,
            X,
            lambda X_train: self._run_checked_epoch(X_train, rates),
            self.max_iter,
            self._mean_log_likelihood,
            validation_split,
            warn,
        )

    def _mean_log_likelihood(self, X):
        """Return the mean log-likelihood of the bits X, as ``score`` computes it."""
        scores = self._log_likelihood(X, self._likelihood_method(), to_bits=_dense)
        return float(np.mean(scores))

    def _fit_best_of_inits(self, X):
        """Train ``n_init`` machines from new parameters and keep the best one.

        All initialisations draw from one random stream, so they differ.
        With ``early_stopping`` they all hold out the same rows, and the best
        machine has the highest held-out log-likelihood. Otherwise the best
        has the highest mean training log-likelihood, as ``score`` computes it.
        """
        rng = as_generator(self.random_state)
        split = None
        if self.early_stopping:
            split = split_validation(X, self.validation_fraction, self.random_state)
        X_train = X if split is None else split[0]
        best_score, best_state, best_unconverged = -np.inf, None, False
        for _ in range(self.n_init):
            self._initialize(X_train, rng)
            unconverged = self._run_epochs(X, split, warn=self.n_init == 1)
            if self.n_init == 1:
                return
            if self.early_stopping:
                score = self.best_validation_score_
            else:
                score = self._mean_log_likelihood(X)
            if best_state is None or score > best_score:
                best_score, best_state = score, self._fitted_state()
                best_unconverged = unconverged
        vars(self).update(best_state)
        if best_unconverged:
            message = convergence_message(self)
            warnings.warn(
                f"{message} This is the best of n_init={self.n_init} initialisations.",
                ConvergenceWarning,
                stacklevel=caller_stacklevel(),
            )

    def _fitted_state(self):
        """Return a deep copy of the fitted attributes and the optimiser state."""
        names = [name for name in vars(self) if name.endswith("_") and not name.startswith("__")]
        names.append("_optimizer")
        return {name: copy.deepcopy(getattr(self, name)) for name in names}

    def partial_fit(self, X, y=None):
        """Run one epoch of wake-sleep over X in minibatches.

        The first call initialises the parameters; later calls continue from
        them and require the same number of features.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; see ``binarize`` for the accepted values.

        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : HelmholtzMachine
            The updated estimator.

        Raises
        ------
        FloatingPointError
            If training diverges. The machine keeps the parameters from
            before this call.

        Examples
        --------
        Train on data that arrives in chunks, e.g. read from disk. Chunks of
        a multiple of ``batch_size`` rows with ``shuffle=False`` give the
        same model as one epoch of ``fit`` on all rows.

        >>> import numpy as np
        >>> from sk_helmholtz import HelmholtzMachine
        >>> X = np.array([[0, 0, 1, 1], [1, 1, 0, 0]] * 10)
        >>> model = HelmholtzMachine(
        ...     hidden_layer_sizes=(2,), batch_size=4, shuffle=False, random_state=0
        ... )
        >>> for chunk in np.split(X, 5):
        ...     model = model.partial_fit(chunk)
        >>> model.n_iter_
        5
        >>> whole = HelmholtzMachine(
        ...     hidden_layer_sizes=(2,), batch_size=4, shuffle=False, max_iter=1,
        ...     random_state=0,
        ... ).fit(X)
        >>> bool(np.array_equal(model.generative_coefs_[0], whole.generative_coefs_[0]))
        True
        """
        self._validate_params()
        first_call = not hasattr(self, "generative_coefs_")
        if not first_call:
            check_same_hidden_layer_sizes(self.hidden_layer_sizes, self._hidden_sizes())
        X = self._training_bits(X, reset=first_call, check_constant=first_call)
        if first_call:
            self._initialize(X)
        rates = self._rates()
        run_monitored_epochs(self, X, lambda X: self._run_checked_epoch(X, rates), 1)
        return self

    def score_samples(self, X):
        """Compute the log-likelihood log p_G(x) of each row of X.

        With the exact method every hidden state is summed out, one layer at
        a time, which works for hidden layers of at most 20 units. The
        importance-sampled method estimates it from ``n_importance_samples``
        draws of the recognition network per row. Its expectation is a lower
        bound on log p_G(x) that tightens as the number of draws grows. The
        ``likelihood`` parameter chooses the method.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to score; see ``binarize`` for the accepted values.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            log p_G(x) in nats, in the dtype of X (float32 or float64).
            Exact float32 results agree with float64 scoring of the same
            model to within ``1e-5 * max(1, |log p_G(x)|)``, as tested for
            trained models and for weights up to 1e4 in magnitude.

        Raises
        ------
        ValueError
            If ``likelihood="exact"`` and a hidden layer is too wide to
            enumerate its states.

        Examples
        --------
        The exact probabilities of all 16 rows of 4 bits add up to one.

        >>> from itertools import product
        >>> import numpy as np
        >>> from sk_helmholtz import HelmholtzMachine
        >>> X = np.array([[0, 0, 1, 1], [1, 1, 0, 0]] * 10)
        >>> model = HelmholtzMachine(hidden_layer_sizes=(2,), random_state=0).fit(X)
        >>> every_row = np.array(list(product([0, 1], repeat=4)))
        >>> round(float(np.exp(model.score_samples(every_row)).sum()), 6)
        1.0
        """
        check_is_fitted(self)
        method = self._likelihood_method()
        if method == "exact":
            check_exact_widths(self._hidden_sizes(), MAX_EXACT_UNITS)
            check_exact_tractable(self._hidden_sizes())
        X = self._validate_X(X, reset=False, to_bits=False)
        return self._log_likelihood(X, method, to_bits=self._to_bits)

    def _likelihood_method(self):
        """Return "exact" or "importance", as set by ``likelihood``."""
        n_units = [self.n_features_in_, *self._hidden_sizes()]
        return resolve_likelihood(self.likelihood, n_units)

    def _log_likelihood(self, X, method, to_bits=None):
        """Return log p_G(x) of the rows of X by ``method``.

        ``to_bits``, when given, turns each chunk of rows into bits. The
        importance-sampled estimate draws from a new generator seeded by
        ``random_state``, so an int seed gives the same estimate every time.
        """
        gen_coefs, gen_intercepts = self._params_as("generative", X.dtype)
        if method == "exact":
            return log_marginal(gen_coefs, gen_intercepts, X, to_bits=to_bits)
        rec_coefs, rec_intercepts = self._params_as("recognition", X.dtype)
        model = {
            "gen_coefs": gen_coefs,
            "gen_intercepts": gen_intercepts,
            "rec_coefs": rec_coefs,
            "rec_intercepts": rec_intercepts,
        }
        rng = as_generator(self.random_state)
        return importance_log_likelihood(
            model, X, self.n_importance_samples, rng, to_bits=to_bits
        )

    def score(self, X, y=None):
        """Return the mean log-likelihood of the rows of X, in nats.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to score; see ``binarize`` for the accepted values.

        y : None
            Ignored; present for API consistency.

        Returns
        -------
        score : float
            Mean of ``score_samples(X)``, exact or importance-sampled as
            ``likelihood`` chooses. Higher is better, so model selection
            tools such as ``GridSearchCV`` pick the machine with the highest
            held-out log-likelihood.

        Examples
        --------
        The fitted machine scores its two patterns above the uniform
        distribution, which gives every 4-bit row log(1/16) = -2.77 nats.

        >>> import numpy as np
        >>> from sk_helmholtz import HelmholtzMachine
        >>> X = np.array([[0, 0, 1, 1], [1, 1, 0, 0]] * 10)
        >>> model = HelmholtzMachine(hidden_layer_sizes=(2,), random_state=0).fit(X)
        >>> bool(model.score(X) > np.log(1 / 16))
        True
        """
        return float(np.mean(self.score_samples(X)))

    def sample(self, n_samples=1, random_state=None):
        """Draw ancestral samples from the generative network.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to draw.

        random_state : int, RandomState instance, Generator or None, default=None
            With None, successive calls continue the estimator's own random
            stream, so they give different draws; an int repeats the draws.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features_in_)
            Rows of 0.0 and 1.0, in the dtype of the parameters.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_helmholtz import HelmholtzMachine
        >>> X = np.array([[0, 0, 1, 1], [1, 1, 0, 0]] * 10)
        >>> model = HelmholtzMachine(hidden_layer_sizes=(2,), random_state=0).fit(X)
        >>> samples = model.sample(100, random_state=0)
        >>> samples.shape
        (100, 4)
        >>> set(np.unique(samples).tolist())
        {0.0, 1.0}
        """
        check_is_fitted(self)
        n_samples = check_n_samples(n_samples)
        rng = self._rng if random_state is None else as_generator(random_state)
        dtype = self.generative_coefs_[0].dtype
        gen_coefs, gen_intercepts = self._params_as("generative", dtype)
        samples = np.empty((n_samples, self.n_features_in_), dtype=gen_coefs[0].dtype)
        for rows in self._row_chunks(n_samples, gen_coefs[0].dtype):
            n_rows = rows.stop - rows.start
            samples[rows] = dream(gen_coefs, gen_intercepts, n_rows, rng)[0]
        return samples

    def transform(self, X):
        """Compute the recognition probabilities of every hidden layer.

        X passes up the recognition network deterministically: each layer
        receives the probabilities of the layer below.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to transform; see ``binarize`` for the accepted values.

        Returns
        -------
        X_new : ndarray of shape (n_samples, sum(hidden_layer_sizes))
            p_R(unit on) of each hidden layer, bottom-up, concatenated; in the
            dtype of X (float32 or float64).

        Examples
        --------
        >>> import numpy as np
        >>> from sk_helmholtz import HelmholtzMachine
        >>> X = np.array([[0, 0, 1, 1], [1, 1, 0, 0]] * 10)
        >>> model = HelmholtzMachine(hidden_layer_sizes=(3, 2), random_state=0).fit(X)
        >>> features = model.transform(X)
        >>> features.shape
        (20, 5)
        >>> bool(((features > 0) & (features < 1)).all())
        True
        >>> list(model.get_feature_names_out())[:2]
        ['helmholtzmachine0', 'helmholtzmachine1']
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False, to_bits=False)
        rec_coefs, rec_intercepts = self._params_as("recognition", X.dtype)
        X_new = np.empty((X.shape[0], self._n_features_out), dtype=X.dtype)
        for rows in self._row_chunks(X.shape[0], X.dtype):
            means = recognition_means(rec_coefs, rec_intercepts, self._to_bits(X[rows]))
            X_new[rows] = np.hstack(means)
        return X_new

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @property
    def _n_features_out(self):
        """Number of columns of ``transform``: the hidden units of all layers."""
        return sum(self._hidden_sizes())

    def _hidden_sizes(self):
        return [coef.shape[0] for coef in self.generative_coefs_]

    def _validate_X(self, X, reset, to_bits=True):
        """Validate X and turn it into the bits the model works on.

        With ``to_bits=False`` the caller applies ``_to_bits`` itself, e.g.
        to one chunk of rows at a time. Sparse X stays sparse (CSR) unless a
        negative ``binarize`` turns its implicit zeros into ones.
        """
        check_binarize(self.binarize)
        X = validate_X(self, X, reset=reset)
        if self.binarize is None:
            check_unit_interval(X)
        if not to_bits or self.binarize is None:
            return X
        return threshold_bits(X, self.binarize)

    def _training_bits(self, X, reset, check_constant):
        """Validate training data X and return it as the bits the model trains on.

        With ``check_constant`` a UserWarning reports a ``binarize``
        threshold that turns X, although it varies, into a single bit.
        """
        X = self._validate_X(X, reset=reset, to_bits=False)
        if self.binarize is None:
            return X
        bits = threshold_bits(X, self.binarize)
        if check_constant:
            warn_constant_bits(X, bits, self.binarize)
        return bits

    def _to_bits(self, X):
        """Return one chunk of rows of validated X as dense model inputs."""
        X = dense_rows(X, slice(None))
        if self.binarize is None:
            return X
        return (X > self.binarize).astype(X.dtype)

    def _rates(self):
        return check_learning_rates(self.learning_rate, len(self.generative_coefs_))

    def _initialize(self, X, rng=None):
        """Create the parameters, the optimiser, the random stream and the history.

        X contains the training bits, whose shape and dtype the parameters
        take. ``rng`` is the random stream to continue; None starts a new one
        from ``random_state``.
        """
        n_features, dtype = X.shape[1], X.dtype
        sizes = check_hidden_layer_sizes(self.hidden_layer_sizes)
        check_learning_rates(self.learning_rate, len(sizes))
        check_parameter_memory(n_features, sizes, dtype)
        n_units = [n_features, *sizes]
        self._rng = as_generator(self.random_state) if rng is None else rng
        self._optimizer = self._new_optimizer()

        def weights(shape):
            if self.init != "random":
                return np.zeros(shape, dtype=dtype)
            return (RANDOM_INIT_SCALE * self._rng.standard_normal(shape)).astype(dtype)

        pairs = list(zip(n_units[:-1], n_units[1:]))
        self.generative_coefs_ = [weights((upper, lower)) for lower, upper in pairs]
        self.generative_intercepts_ = [np.zeros(n, dtype=dtype) for n in n_units]
        if self.init == "data":
            self.generative_intercepts_[0][:] = feature_log_odds(X)
        self.recognition_coefs_ = [weights((lower, upper)) for lower, upper in pairs]
        self.recognition_intercepts_ = [np.zeros(n, dtype=dtype) for n in sizes]
        self.n_iter_ = 0
        self.loss_curve_ = []

    def _run_epoch(self, X, rates):
        """Run one epoch of wake-sleep over X and record its free energy."""
        X = X.astype(self.generative_coefs_[0].dtype, copy=False)
        n_rows = X.shape[0]
        order = self._rng.permutation(n_rows) if self.shuffle else None
        rates = self._decayed_rates(rates)
        step = self._batch_step()
        model = {
            "gen_coefs": self.generative_coefs_,
            "gen_intercepts": self.generative_intercepts_,
            "rec_coefs": self.recognition_coefs_,
            "rec_intercepts": self.recognition_intercepts_,
        }
        if self.batch_size == 1 and step is wake_sleep_step:
            X_ordered = X if order is None else X[order]
            total = run_online_epoch(model, X_ordered, rates, self._rng, add_noise=self._add_noise)
        else:
            total = 0.0
            for batch in gen_batches(n_rows, self.batch_size):
                X_batch = dense_rows(X, batch if order is None else order[batch])
                X_batch = self._add_noise(X_batch, batch.start, n_rows)
                total += step(model, X_batch, rates, self._rng)

        self.n_iter_ += 1
        self.loss_curve_.append(total / n_rows)

    def _add_noise(self, rows, first_row, n_rows):
        """Return dense ``rows`` with the values flipped that ``input_noise`` selects.

        The rows start at row ``first_row`` of the epoch's ``n_rows``, which
        places them in the noise schedule.
        """
        progress = (self.n_iter_ + first_row / n_rows) / self.max_iter
        return flip_values(rows, noise_level(self.input_noise, progress), self._rng)

    def _run_checked_epoch(self, X, rates):
        """Run one epoch, and restore the parameters and raise if it diverged.

        Overflow inside the epoch gives no warning. Instead, the epoch raises
        FloatingPointError when its free energy is NaN or infinite, or when a
        parameter is NaN or so large that log-probabilities could overflow
        the parameters' dtype. The model then keeps the parameters,
        ``n_iter_`` and ``loss_curve_`` it had before the epoch.
        """
        saved = {name: [p.copy() for p in getattr(self, name)] for name in PARAMETERS}
        saved_optimizer = copy.deepcopy(getattr(self, "_optimizer", None))
        with np.errstate(over="ignore", invalid="ignore"):
            self._run_epoch(X, rates)
        dtype = self.generative_coefs_[0].dtype
        in_range = all(
            log_probability_bound(*self._params_as(network, None))
            <= log_probability_limit(dtype)
            for network in ("generative", "recognition")
        )
        if in_range and np.isfinite(self.loss_curve_[-1]):
            return

        epoch = self.n_iter_
        for name, values in saved.items():
            setattr(self, name, values)
        self._optimizer = saved_optimizer
        self.n_iter_ -= 1
        self.loss_curve_.pop()
        raise FloatingPointError(
            f"Training diverged in epoch {epoch}: the free energy or a parameter "
            f"became NaN, infinite or too large for {dtype.name} with learning "
            f"rates {rates}. The model keeps its parameters from before this "
            f"epoch (n_iter_={epoch - 1}). Use a smaller learning_rate."
        )

    def _new_optimizer(self):
        return make_optimizer(self.solver, self.beta_1, self.beta_2, self.epsilon)

    def _decayed_rates(self, rates):
        """Return the learning rates of the next epoch: ``rate / (1 + decay * n_iter_)``."""
        scale = 1.0 / (1.0 + self.learning_rate_decay * self.n_iter_)
        return tuple(rate * scale for rate in rates)

    def _batch_step(self):
        """Return the update ``step(model, X_batch, rates, rng)`` of the settings.

        The classic algorithm with plain SGD is ``wake_sleep_step``, which
        updates the parameters in place. The other settings take their steps
        through the optimiser, which is created anew when ``solver`` or its
        settings changed since it was made, and otherwise keeps its state
        across ``partial_fit`` calls and warm starts.
        """
        optimizer = getattr(self, "_optimizer", None)
        if optimizer is None or optimizer.settings() != self._new_optimizer().settings():
            self._optimizer = self._new_optimizer()
        if self.algorithm == "reweighted":
            return functools.partial(
                reweighted_step,
                optimizer=self._optimizer,
                n_samples=self.n_wake_samples,
                sleep=self.sleep_phase,
            )
        if self.solver == "sgd":
            return wake_sleep_step
        return functools.partial(optimized_wake_sleep_step, optimizer=self._optimizer)

    def __getstate__(self):
        return {**super().__getstate__(), PICKLE_VERSION_KEY: installed_version()}

    def __setstate__(self, state):
        state = dict(state)
        check_pickled_version(state.pop(PICKLE_VERSION_KEY, None), type(self).__name__)
        super().__setstate__(state)

    def _params_as(self, network, dtype):
        """Return one network's (coefs, intercepts), cast to ``dtype``.

        With a dtype, raise ValueError first if log-probabilities could
        overflow it.
        """
        coefs = getattr(self, f"{network}_coefs_")
        intercepts = getattr(self, f"{network}_intercepts_")
        if dtype is None:
            return coefs, intercepts
        check_log_probability_range(coefs, intercepts, dtype, network)
        return (
            [coef.astype(dtype, copy=False) for coef in coefs],
            [intercept.astype(dtype, copy=False) for intercept in intercepts],
        )

    def _row_chunks(self, n_rows, dtype):
        """Yield row slices whose intermediate arrays fit the working memory."""
        units_per_row = 2 * self.n_features_in_ + 3 * self._n_features_out
        row_bytes = units_per_row * np.dtype(dtype).itemsize
        return gen_batches(n_rows, rows_per_chunk(row_bytes, n_rows))


def _dense(rows):
    """Return validated rows as a dense array, for inputs that are already bits."""
    return dense_rows(rows, slice(None))


HelmholtzMachineEstimator = HelmholtzMachine
