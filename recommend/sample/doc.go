// Package sample generates shoppers with hidden tastes and the activity
// of their sessions, to train and measure the recommend model offline,
// to benchmark its batch, and to give a demo shop a history.
//
// Every product belongs to one hidden taste (a style that spans several
// categories) and has an appeal that makes some products of a taste far
// more popular than others. Each shopper prefers one or two tastes; a
// session mostly browses one of them, views a few products, adds some to
// the cart and sometimes buys. The model cannot see the tastes: it must
// find them from which products share sessions and orders.
//
// Split holds out each shopper's last purchase (and the session it was
// in); Evaluate measures how often a list of ten recommendations contains
// it (hit rate@10) and how high (NDCG@10).
package sample
