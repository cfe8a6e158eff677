/**
 * Validation of a parsed database spec: {@link io.controlplane.database.spec.validation.SpecValidator}
 * runs one small rule class per rule and returns every error with its path, plus the small parsers
 * the rules need (pg_hba and pg_ident lines, single SQL statements, cron expressions, byte sizes).
 */
package io.controlplane.database.spec.validation;
