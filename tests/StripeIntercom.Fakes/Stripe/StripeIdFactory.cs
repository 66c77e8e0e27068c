namespace StripeIntercom.Fakes.Stripe;

/// <summary>Makes Stripe-looking ids ("cus_" + 14 alphanumerics) from a seeded random, skipping ids already
/// taken.</summary>
public sealed class StripeIdFactory(Random random, Func<string, bool> taken)
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public string Next(string prefix, int length = 14)
    {
        while (true)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            var id = prefix + new string(chars);
            if (!taken(id))
            {
                return id;
            }
        }
    }
}
