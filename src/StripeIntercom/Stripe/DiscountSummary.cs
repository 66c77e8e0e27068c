using System;
using System.Globalization;

namespace StripeIntercom.Stripe;

/// <summary>A discount in force on a customer, subscription or subscription item, with its coupon's terms.</summary>
public sealed class DiscountSummary
{
    public string Id { get; set; } = "";
    public string CouponId { get; set; } = "";
    public string? CouponName { get; set; }
    /// <summary>customer, subscription or item: where the coupon was redeemed.</summary>
    public string AppliesTo { get; set; } = "";
    public decimal? PercentOff { get; set; }
    /// <summary>Amount taken off each invoice, in major units of <see cref="Currency"/>.</summary>
    public decimal? AmountOff { get; set; }
    public string? Currency { get; set; }
    /// <summary>forever, once or repeating. Only forever discounts reduce MRR, as in Stripe's Billing
    /// analytics.</summary>
    public string Duration { get; set; } = "";
    public long? DurationInMonths { get; set; }
    public DateTimeOffset? End { get; set; }

    public bool IsForever => Duration == "forever";

    /// <summary>"50% off forever", "10.00 USD off for 3 months, until 2027-02-01", "15% off once".</summary>
    public string Description
    {
        get
        {
            var what = PercentOff is { } percent
                ? percent.ToString("0.##", CultureInfo.InvariantCulture) + "%"
                : (AmountOff ?? 0m).ToString("F" + StripeMoney.DecimalPlaces(Currency), CultureInfo.InvariantCulture) +
                    " " + (Currency ?? "").ToUpperInvariant();
            switch (Duration)
            {
                case "forever": return what + " off forever";
                case "once": return what + " off once";
                default:
                    var months = DurationInMonths is { } n ? $" for {n} month{(n == 1 ? "" : "s")}" : "";
                    var until = End is { } end ? ", until " +
                        end.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
                    return what + " off" + months + until;
            }
        }
    }

    public override string ToString() => Description;
}
