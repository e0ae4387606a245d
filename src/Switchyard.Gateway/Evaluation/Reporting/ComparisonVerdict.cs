namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>How a model's quality on a use case moved from run A to run B.</summary>
internal enum ComparisonVerdict
{
    /// <summary>No difference chance would not explain (Fisher's exact test, p ≥ 0.05).</summary>
    Same,

    /// <summary>The pass rate fell, and the fall is significant (p &lt; 0.05).</summary>
    Regression,

    /// <summary>The pass rate rose, significantly.</summary>
    Improvement,

    /// <summary>Only in run B.</summary>
    New,

    /// <summary>Only in run A.</summary>
    Gone,
}
