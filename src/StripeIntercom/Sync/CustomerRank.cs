using System;
using StripeIntercom.Stripe;

namespace StripeIntercom.Sync;

/// <summary>
/// Orders Stripe customers that share an email: by their primary subscriptions under the primary-subscription rule
/// (status, then monthly amount, then the newer subscription), a customer without one last; ties go to the newer
/// customer, then to the id, so every run and every order of reading picks the same one.
/// </summary>
public readonly struct CustomerRank : IComparable<CustomerRank>
{
    private readonly int _statusRank;
    private readonly decimal _monthlyAmount;
    private readonly DateTimeOffset _subscriptionCreated;
    private readonly DateTimeOffset _customerCreated;
    private readonly string _customerId;

    private CustomerRank(int statusRank, decimal monthlyAmount, DateTimeOffset subscriptionCreated,
        DateTimeOffset customerCreated, string customerId)
    {
        _statusRank = statusRank;
        _monthlyAmount = monthlyAmount;
        _subscriptionCreated = subscriptionCreated;
        _customerCreated = customerCreated;
        _customerId = customerId;
    }

    public static CustomerRank Of(CustomerProfile profile)
    {
        var primary = profile.PrimarySubscription;
        return primary == null
            ? new CustomerRank(int.MaxValue, 0, DateTimeOffset.MinValue, profile.Created, profile.Id)
            : new CustomerRank(PrimarySubscriptionRule.StatusRank(primary.Status), primary.MonthlyAmount,
                primary.Created, profile.Created, profile.Id);
    }

    /// <summary>Negative when this customer ranks better (comes first).</summary>
    public int CompareTo(CustomerRank other)
    {
        var byStatus = _statusRank.CompareTo(other._statusRank);
        if (byStatus != 0)
        {
            return byStatus;
        }

        var byAmount = other._monthlyAmount.CompareTo(_monthlyAmount);
        if (byAmount != 0)
        {
            return byAmount;
        }

        var bySubscription = other._subscriptionCreated.CompareTo(_subscriptionCreated);
        if (bySubscription != 0)
        {
            return bySubscription;
        }

        var byCustomer = other._customerCreated.CompareTo(_customerCreated);
        return byCustomer != 0 ? byCustomer : string.CompareOrdinal(_customerId ?? "", other._customerId ?? "");
    }
}
