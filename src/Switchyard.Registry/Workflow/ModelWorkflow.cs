using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

/// <summary>
/// The registry's status workflow, as a table: which action may move a model from which status, and who may take it.
/// <code>
/// proposed ─scan─► scanned ─(licence sign-off + security sign-off)─► approved ─deprecate─► deprecated
///     │               │                                                  │                    │
///     └─reject────────┴─reject─► rejected                                └──revoke──► revoked ◄┘
/// </code>
/// <c>rescan</c> records a new scan of the same files on a scanned, approved or deprecated model without moving it.
/// Rejected and revoked are final: a model that comes back is registered again under a new id, so no approval is ever
/// silently reused for other files.
/// </summary>
public static class ModelWorkflow
{
    /// <summary>The roles that sign the licence.</summary>
    public static readonly IReadOnlyList<string> LicenseRoles = ["legal"];

    /// <summary>The roles that sign the scan.</summary>
    public static readonly IReadOnlyList<string> SecurityRoles = ["security"];

    /// <summary>The roles that may reject a model under review.</summary>
    public static readonly IReadOnlyList<string> RejectRoles = ["legal", "security"];

    /// <summary>The roles that may deprecate or revoke an approved model.</summary>
    public static readonly IReadOnlyList<string> WithdrawRoles = ["admin", "legal", "security"];

    /// <summary>Whether <paramref name="action"/> may be taken on a model in <paramref name="from"/>, and the status it leads to.</summary>
    public static bool Allows(string action, ModelStatus from, out ModelStatus to)
    {
        (var ok, to) = (action, from) switch
        {
            ("scan", ModelStatus.Proposed) => (true, ModelStatus.Scanned),
            ("rescan", ModelStatus.Scanned or ModelStatus.Approved or ModelStatus.Deprecated) => (true, from),
            ("sign-license" or "sign-security", ModelStatus.Scanned) => (true, ModelStatus.Scanned),
            ("approve", ModelStatus.Scanned) => (true, ModelStatus.Approved),
            ("reject", ModelStatus.Proposed or ModelStatus.Scanned) => (true, ModelStatus.Rejected),
            ("deprecate", ModelStatus.Approved) => (true, ModelStatus.Deprecated),
            ("revoke", ModelStatus.Approved or ModelStatus.Deprecated) => (true, ModelStatus.Revoked),
            _ => (false, from),
        };
        return ok;
    }

    /// <summary>Throws, with what to do instead, when the workflow does not allow the action.</summary>
    /// <exception cref="RegistryException">The action is not allowed from the model's status.</exception>
    public static ModelStatus Require(string action, ModelRecord model)
    {
        if (Allows(action, model.Status, out var to))
        {
            return to;
        }

        var status = Storage.Models.ModelStatusWords.Word(model.Status);
        var hint = model.Status switch
        {
            ModelStatus.Rejected => "A rejected model is final: fix what was wrong and register it again under a new id.",
            ModelStatus.Revoked => "A revoked model is final: register the files again under a new id if it is to come back.",
            ModelStatus.Approved or ModelStatus.Deprecated when action is "sign-license" or "sign-security" or "approve" => "It is approved already.",
            ModelStatus.Approved when action == "reject" => "An approved model is withdrawn with `switchyard models revoke`.",
            ModelStatus.Proposed => $"It has not been scanned yet: `switchyard models scan {model.Id} --dir PATH` scans its folder.",
            ModelStatus.Scanned when action is "deprecate" or "revoke" => "It is not approved yet: reject it instead.",
            _ => "",
        };
        throw new RegistryException($"Model '{model.Id}' is {status}: it cannot be {Past(action)}. {hint}".TrimEnd());
    }

    /// <summary>Throws when <paramref name="role"/> may not take <paramref name="action"/>.</summary>
    /// <exception cref="RegistryException">The role may not take the action.</exception>
    public static void RequireRole(string action, string role, IReadOnlyList<string> roles)
    {
        if (!roles.Contains(role))
        {
            throw new RegistryException($"The role '{role}' may not {action} a model: {string.Join(" or ", roles)} may.");
        }
    }

    private static string Past(string action) => action switch
    {
        "scan" => "scanned",
        "rescan" => "scanned again",
        "sign-license" => "signed off for its licence",
        "sign-security" => "signed off for security",
        "approve" => "approved",
        "reject" => "rejected",
        "deprecate" => "deprecated",
        "revoke" => "revoked",
        _ => action,
    };
}
