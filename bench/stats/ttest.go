package stats

import "math"

// tTest is the outcome of one t-test on log values: the two-sided p-value,
// the mean log difference (A minus B) and the paired rounds (0 for Welch).
type tTest struct {
	p       float64
	logDiff float64
	n       int
	se, df  float64 // standard error of logDiff and its degrees of freedom (0 when exact)
}

// pairedT is the paired t-test of H0 "mean of d is 0" over the log ratios
// d, two-sided, n-1 degrees of freedom. When every d is equal the answer is
// exact: p = 1 if they are 0, else 0.
func pairedT(d []float64) tTest {
	m, v := meanVar(d)
	n := len(d)
	r := tTest{p: 1, logDiff: m, n: n}
	switch {
	case n < 2:
	case v == 0:
		if m != 0 {
			r.p = 0
		}
	default:
		r.se, r.df = math.Sqrt(v/float64(n)), float64(n-1)
		r.p = studentTwoSided(m/r.se, r.df)
	}
	return r
}

// welchT is Welch's unequal-variance t-test on two sets of log values,
// two-sided, with the Welch-Satterthwaite degrees of freedom. With fewer
// than two values on a side p is 1; with no spread on either side the
// answer is exact (p = 1 for equal means, else 0).
func welchT(a, b []float64) tTest {
	ma, va := meanVar(a)
	mb, vb := meanVar(b)
	r := tTest{p: 1, logDiff: ma - mb}
	if len(a) < 2 || len(b) < 2 {
		return r
	}
	sa, sb := va/float64(len(a)), vb/float64(len(b))
	se2 := sa + sb
	if se2 == 0 {
		if ma != mb {
			r.p = 0
		}
		return r
	}
	df := se2 * se2 / (sa*sa/float64(len(a)-1) + sb*sb/float64(len(b)-1))
	r.se, r.df = math.Sqrt(se2), df
	r.p = studentTwoSided((ma-mb)/r.se, df)
	return r
}

// pBeyond is the one-sided p-value of H0 "|logDiff| <= lead" against
// "|logDiff| > lead" (a minimum-effect test): the t statistic is the
// distance of |logDiff| beyond lead in standard errors. With no standard
// error (an exact answer) it is 0 when |logDiff| exceeds lead, else 1.
func (t tTest) pBeyond(lead float64) float64 {
	excess := math.Abs(t.logDiff) - lead
	if t.se == 0 || t.df <= 0 {
		if t.p == 0 && excess > 0 {
			return 0
		}
		return 1
	}
	two := studentTwoSided(excess/t.se, t.df)
	if excess > 0 {
		return two / 2
	}
	return 1 - two/2
}

// meanVar returns the mean and the unbiased sample variance (0 for fewer
// than two values).
func meanVar(xs []float64) (mean, variance float64) {
	if len(xs) == 0 {
		return math.NaN(), 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs)-1)
}

// studentTwoSided is P(|T| >= |t|) for Student's t with df degrees of
// freedom: the regularized incomplete beta I_x(df/2, 1/2), x = df/(df+t²).
func studentTwoSided(t, df float64) float64 {
	if math.IsNaN(t) || df <= 0 {
		return 1
	}
	if math.IsInf(t, 0) {
		return 0
	}
	return regIncBeta(df/2, 0.5, df/(df+t*t))
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), from
// its continued fraction (Lentz's method), using the symmetry
// I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction converges faster.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

// betaCF evaluates the continued fraction of the incomplete beta function.
func betaCF(a, b, x float64) float64 {
	const (
		maxIter = 500
		eps     = 1e-15
		tiny    = 1e-300
	)
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= maxIter; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}
