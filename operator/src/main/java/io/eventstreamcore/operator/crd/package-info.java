/**
 * The {@code EventCluster} custom resource (group {@code eventstreamcore.io}, version {@code
 * v1alpha1}). These classes are plain data for Jackson and the fabric8 CRD generator, which turns
 * them and their validation annotations into {@code crds/eventclusters.eventstreamcore.io-v1.yml}
 * at build time.
 */
package io.eventstreamcore.operator.crd;
