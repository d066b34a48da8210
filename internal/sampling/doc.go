// Package sampling is the acceptance sampling engine of qms: attribute
// sampling by ISO 2859-1:1999 and ANSI/ASQ Z1.4-2008 (= MIL-STD-105E tables).
//
// It provides
//   - sample size code letters (Table I) for lot size x inspection level;
//   - single sampling plans for normal, tightened and reduced inspection
//     under both standards, for the 26 preferred AQLs, following the arrows of
//     the master tables (n, Ac and Re all come from the row where the chain
//     ends; the path is reported) and flagging 100 % inspection when n >= lot;
//   - plans for several defect classes at once (PlanClasses), with an
//     optional "largest code letter for all classes" mode and a buyer's
//     zero-tolerance class;
//   - Z1.4 double and multiple plans with sample-by-sample decisions (the
//     ISO 2859-1:1999 double and multiple tables are not public and are not
//     provided: ErrISOSequentialNotPublic);
//   - the switching rules as a pure state machine (SwitchConfig.Next);
//   - operating characteristics (Pa, AOQ, AOQL, ATI, ASN) for single, double
//     and multiple plans under the binomial, hypergeometric and Poisson
//     models, computed in log space;
//   - plan design for a producer's and a consumer's risk point, and
//     limiting-quality plans for isolated lots (computed, not the ISO 2859-2
//     tables).
//
// The master tables are embedded from tables/ (copied from the project's
// reference data, see tables/SOURCES.md) and parsed once into fixed arrays;
// plan lookups do not allocate. The package does no other I/O and keeps no
// mutable global state.
package sampling
