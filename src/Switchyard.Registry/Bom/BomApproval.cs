namespace Switchyard.Registry.Bom;

/// <summary>One approval of a model.</summary>
/// <param name="Role">The role approving, e.g. <c>security</c>, <c>legal</c> or <c>business</c>.</param>
/// <param name="Actor">Who approved.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why, in the approver's words.</param>
public sealed record BomApproval(string Role, string Actor, DateTimeOffset At, string Reason);
