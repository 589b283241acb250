package org.optopt.optimizers.adaptive;

/** The provider of {@code adamw}: {@link Adam} with decoupled weight decay (torch.optim.AdamW). */
public final class AdamW extends Adam {
    /** Creates the provider. */
    public AdamW() {
        super(true);
    }
}
