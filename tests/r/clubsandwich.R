# Reference CR2 standard errors and Satterthwaite degrees of freedom from clubSandwich, for the
# cross-check in tests/test_clubsandwich.py. Usage: Rscript clubsandwich.R data1.csv [data2.csv ...]
# Each file has columns y, micro (0/1), cluster, w (weights; all 1 for the unweighted fits).
# Prints one line per file: estimate, standard error, Satterthwaite df of the micro coefficient (17 digits).
suppressPackageStartupMessages(library(clubSandwich))
for (path in commandArgs(trailingOnly = TRUE)) {
  d <- read.csv(path)
  fit <- lm(y ~ micro, data = d, weights = w)
  # The weights are inverse-variance (precision) weights: the working model is diag(1 / w), as in WLS.
  vc <- vcovCR(fit, cluster = d$cluster, type = "CR2", inverse_var = TRUE)
  test <- coef_test(fit, vcov = vc, test = "Satterthwaite")
  row <- test[test$Coef == "micro", ]
  cat(sprintf("%.17g %.17g %.17g\n", coef(fit)[["micro"]], row$SE, row$df_Satt))
}
