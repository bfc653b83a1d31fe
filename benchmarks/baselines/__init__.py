"""What a user would write instead of speedlab: the baselines our models are measured against."""
