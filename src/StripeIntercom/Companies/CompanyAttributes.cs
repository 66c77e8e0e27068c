using System;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;

namespace StripeIntercom.Companies;

/// <summary>
/// Which custom attributes a company carries (data attributes of model "company"): the catalog attributes of the
/// contact map that make sense for a company, under the same (possibly renamed) names, plus
/// <see cref="CustomerIds"/> and the computed attributes meant for companies. Each is evaluated on the company's
/// profile (<see cref="CompanyAggregate"/>): the primary customer's, with MRR, subscriptions and payment failing
/// taken over all the company's customers.
/// </summary>
public static class CompanyAttributes
{
    /// <summary>The company's Stripe customer ids, sorted, comma-separated: how a later run finds its other
    /// customers.</summary>
    public const string CustomerIds = "stripe_customer_ids";

    /// <summary>Catalog attributes a company carries when the contact map has them.</summary>
    public static readonly IReadOnlyList<string> CatalogNames = new[]
    {
        "stripe_subscription_status", "stripe_plan_name", "stripe_plan_interval", "stripe_mrr", "stripe_currency",
        "stripe_balance", "stripe_current_period_end_at", "stripe_cancel_at_period_end", "stripe_trial_end_at",
        "stripe_latest_invoice_status", "stripe_payment_failing", "stripe_subscription_count", "stripe_dashboard_url",
        "stripe_deleted",
    };

    /// <summary>
    /// The company map for a contact map: its company-worthy catalog attributes (after -Attribute and renames), then
    /// <paramref name="computed"/> (computed attributes for companies, replacing catalog ones of the same name).
    /// </summary>
    public static AttributeMap From(AttributeMap contactMap, IEnumerable<AttributeDefinition>? computed = null)
    {
        if (contactMap == null)
        {
            throw new ArgumentNullException(nameof(contactMap));
        }

        var eligible = new HashSet<string>(CatalogNames, StringComparer.Ordinal);
        var extra = (computed ?? Enumerable.Empty<AttributeDefinition>()).ToList();
        var extraNames = new HashSet<string>(extra.Select(a => a.Name), StringComparer.Ordinal);
        if (extraNames.Contains(CustomerIds))
        {
            throw new ArgumentException(
                $"'{CustomerIds}' is written by the company sync itself; a computed attribute cannot take its name.");
        }

        var ids = new AttributeDefinition(CustomerIds, IntercomDataType.String,
            "Stripe customer ids billed for this company",
            _ => null);
        var fromCatalog = contactMap.Attributes.Where(a => a.CatalogName != null && eligible.Contains(a.CatalogName)
                                                           && !extraNames.Contains(a.Name) && a.Name != CustomerIds);
        return new AttributeMap(new[] { ids }.Concat(fromCatalog).Concat(extra));
    }

    /// <summary>The ids a company lists in <see cref="CustomerIds"/>; empty when it lists none.</summary>
    public static IReadOnlyList<string> ListedCustomerIds(IntercomCompany company)
    {
        if (company?.CustomAttributes == null || !company.CustomAttributes.TryGetValue(CustomerIds, out var value)
            || value.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            return Array.Empty<string>();
        }

        return (value.GetString() ?? "")
            .Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim())
            .Where(s => s.Length > 0)
            .ToList();
    }

    /// <summary>
    /// Sorted ids joined by commas, within Intercom's 255 characters for a string attribute: ids that do not fit are
    /// left out (about 13 customers of 18 characters fit), and those customers are then found only when they change.
    /// </summary>
    public static string Format(IEnumerable<string> customerIds)
    {
        var text = "";
        foreach (var id in customerIds.OrderBy(i => i, StringComparer.Ordinal))
        {
            var next = text.Length == 0 ? id : text + "," + id;
            if (next.Length > AttributeDefinition.MaxStringLength)
            {
                break;
            }

            text = next;
        }

        return text;
    }
}
