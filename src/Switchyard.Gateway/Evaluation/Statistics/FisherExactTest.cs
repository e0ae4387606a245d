namespace Switchyard.Gateway.Evaluation.Statistics;

/// <summary>
/// Fisher's exact test on a 2×2 table (passed and failed, in run A and run B): whether two pass rates differ by more
/// than chance would make them. Exact, so it holds for the small counts suites have, where a z-test of two proportions
/// does not.
/// </summary>
internal static class FisherExactTest
{
    /// <summary>
    /// The two-sided p-value for <paramref name="passedA"/> of <paramref name="trialsA"/> against <paramref name="passedB"/>
    /// of <paramref name="trialsB"/>: the probability, with the margins fixed, of a table no more likely than this one.
    /// </summary>
    public static double TwoSided(int passedA, int trialsA, int passedB, int trialsB)
    {
        var passed = passedA + passedB;
        var total = trialsA + trialsB;
        if (trialsA == 0 || trialsB == 0 || passed == 0 || passed == total)
        {
            return 1;
        }

        // log(i!) for every i the table can need, summed once.
        var logFactorial = new double[total + 1];
        for (var i = 2; i <= total; i++)
        {
            logFactorial[i] = logFactorial[i - 1] + Math.Log(i);
        }

        double LogChoose(int n, int k) => logFactorial[n] - logFactorial[k] - logFactorial[n - k];

        // The hypergeometric log-probability of k passes in A given the margins.
        double LogProbability(int k) => LogChoose(trialsA, k) + LogChoose(total - trialsA, passed - k) - LogChoose(total, passed);

        var observed = LogProbability(passedA);
        var p = 0.0;
        var low = Math.Max(0, passed - trialsB);
        var high = Math.Min(passed, trialsA);
        for (var k = low; k <= high; k++)
        {
            var log = LogProbability(k);
            // A relative tolerance, as R's fisher.test uses, so tables as likely as the observed one count despite rounding.
            if (log <= observed + 1e-7)
            {
                p += Math.Exp(log);
            }
        }

        return Math.Min(1, p);
    }
}
